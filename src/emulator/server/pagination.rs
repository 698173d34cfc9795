//! Okta's cursor pagination: `limit` (sent as a string of digits, clamped
//! to 1…200), `after` (the id of the last object of the previous page) and
//! `Link` headers — `rel="self"` for the request, then `rel="next"` when
//! more remain, in that order, as Okta sends them and its SDKs expect.

use axum::http::HeaderValue;

/// How many policies a list returns when the request names no `limit`.
pub const DEFAULT_POLICY_LIMIT: usize = 20;
/// The most a page holds, whatever `limit` asks for.
pub const MAX_LIMIT: usize = 200;

/// A request's query string as ordered name/value pairs.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct QueryParams {
    pairs: Vec<(String, String)>,
}

impl QueryParams {
    /// Parses a raw (percent-encoded) query string.
    pub fn parse(raw: Option<&str>) -> Self {
        QueryParams {
            pairs: raw
                .map(|raw| {
                    form_urlencoded::parse(raw.as_bytes())
                        .map(|(k, v)| (k.into_owned(), v.into_owned()))
                        .collect()
                })
                .unwrap_or_default(),
        }
    }

    /// The first value of `name`.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.pairs
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    fn encode(pairs: &[(String, String)]) -> String {
        let mut serializer = form_urlencoded::Serializer::new(String::new());
        for (k, v) in pairs {
            serializer.append_pair(k, v);
        }
        serializer.finish()
    }
}

/// Why a `limit` was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BadLimit;

/// The page size: `raw` must be ASCII digits; it is clamped to
/// 1…[`MAX_LIMIT`]. No `limit` means `default` (`None`: everything).
pub fn parse_limit(raw: Option<&str>, default: Option<usize>) -> Result<Option<usize>, BadLimit> {
    let Some(raw) = raw else {
        return Ok(default);
    };
    let raw = raw.trim();
    if raw.is_empty() || !raw.bytes().all(|b| b.is_ascii_digit()) {
        return Err(BadLimit);
    }
    // All digits, so the only failure left is overflow: that is "a lot".
    let n = raw.parse::<usize>().unwrap_or(MAX_LIMIT);
    Ok(Some(n.clamp(1, MAX_LIMIT)))
}

/// One page of a list and the cursor for the next, if any.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Page<T> {
    pub items: Vec<T>,
    /// The `after` value of the next page (the id of this page's last item).
    pub next_after: Option<String>,
}

/// The `after` cursor names no object in the list (it was deleted, or
/// never existed).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownCursor;

/// Cuts the page that follows `after` out of `items`.
pub fn paginate<T>(
    items: Vec<T>,
    id_of: impl Fn(&T) -> Option<&str>,
    after: Option<&str>,
    limit: Option<usize>,
) -> Result<Page<T>, UnknownCursor> {
    let start = match after {
        None => 0,
        Some(cursor) => {
            items
                .iter()
                .position(|item| id_of(item) == Some(cursor))
                .ok_or(UnknownCursor)?
                + 1
        }
    };
    let end = limit.map_or(items.len(), |l| start.saturating_add(l).min(items.len()));
    let next_after = if end < items.len() && end > start {
        items.get(end - 1).and_then(&id_of).map(str::to_owned)
    } else {
        None
    };
    let items = items.into_iter().skip(start).take(end - start).collect();
    Ok(Page { items, next_after })
}

/// The `Link` header values for a page: `self` first, then `next`.
/// `limit` is the page size used, written into the next link when the
/// request did not name one.
pub fn link_headers(
    base_url: &str,
    path: &str,
    query: &QueryParams,
    limit: Option<usize>,
    next_after: Option<&str>,
) -> Vec<HeaderValue> {
    let href = |pairs: &[(String, String)]| {
        if pairs.is_empty() {
            format!("{base_url}{path}")
        } else {
            format!("{base_url}{path}?{}", QueryParams::encode(pairs))
        }
    };
    let mut links = vec![format!("<{}>; rel=\"self\"", href(&query.pairs))];
    if let Some(after) = next_after {
        let mut pairs: Vec<(String, String)> = query
            .pairs
            .iter()
            .filter(|(k, _)| k != "after")
            .cloned()
            .collect();
        if let Some(limit) = limit
            && query.get("limit").is_none()
        {
            pairs.push(("limit".to_owned(), limit.to_string()));
        }
        pairs.push(("after".to_owned(), after.to_owned()));
        links.push(format!("<{}>; rel=\"next\"", href(&pairs)));
    }
    links
        .into_iter()
        .filter_map(|link| HeaderValue::from_str(&link).ok())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ids(page: &Page<&'static str>) -> Vec<&'static str> {
        page.items.clone()
    }

    #[test]
    fn limits_are_digit_strings_clamped_to_okta_range() {
        assert_eq!(parse_limit(None, Some(20)), Ok(Some(20)));
        assert_eq!(parse_limit(None, None), Ok(None));
        assert_eq!(parse_limit(Some("5"), Some(20)), Ok(Some(5)));
        assert_eq!(parse_limit(Some("500"), None), Ok(Some(200)));
        assert_eq!(parse_limit(Some("0"), None), Ok(Some(1)));
        assert_eq!(
            parse_limit(Some("99999999999999999999999"), None),
            Ok(Some(200))
        );
        for bad in ["", "-1", "2.5", "ten", "1e3", "+3"] {
            assert_eq!(parse_limit(Some(bad), None), Err(BadLimit), "{bad}");
        }
    }

    #[test]
    fn pages_follow_the_cursor() {
        fn id<'x>(s: &'x &str) -> Option<&'x str> {
            Some(*s)
        }
        let all = vec!["a", "b", "c", "d", "e"];
        let first = paginate(all.clone(), id, None, Some(2)).expect("page");
        assert_eq!(
            (ids(&first), first.next_after.as_deref()),
            (vec!["a", "b"], Some("b"))
        );
        let second = paginate(all.clone(), id, Some("b"), Some(2)).expect("page");
        assert_eq!(
            (ids(&second), second.next_after.as_deref()),
            (vec!["c", "d"], Some("d"))
        );
        let last = paginate(all.clone(), id, Some("d"), Some(2)).expect("page");
        assert_eq!((ids(&last), last.next_after), (vec!["e"], None));
        let exact = paginate(all.clone(), id, Some("c"), Some(2)).expect("page");
        assert_eq!((ids(&exact), exact.next_after), (vec!["d", "e"], None));
        let whole = paginate(all.clone(), id, None, None).expect("page");
        assert_eq!((whole.items.len(), whole.next_after), (5, None));
        assert_eq!(paginate(all, id, Some("zz"), None), Err(UnknownCursor));
    }

    #[test]
    fn self_link_comes_before_next() {
        let query = QueryParams::parse(Some("type=PASSWORD&q=a%20b"));
        let links = link_headers(
            "http://h:1",
            "/api/v1/policies",
            &query,
            Some(20),
            Some("00p1"),
        );
        let links: Vec<&str> = links.iter().filter_map(|v| v.to_str().ok()).collect();
        assert_eq!(
            links,
            [
                "<http://h:1/api/v1/policies?type=PASSWORD&q=a+b>; rel=\"self\"",
                "<http://h:1/api/v1/policies?type=PASSWORD&q=a+b&limit=20&after=00p1>; rel=\"next\"",
            ]
        );
        let query = QueryParams::parse(Some("limit=2&after=x&type=PASSWORD"));
        let links = link_headers("http://h", "/p", &query, Some(2), Some("y"));
        assert_eq!(
            links[1].to_str().ok(),
            Some("<http://h/p?limit=2&type=PASSWORD&after=y>; rel=\"next\"")
        );
        let links = link_headers("http://h", "/p", &QueryParams::default(), None, None);
        assert_eq!(links.len(), 1);
        assert_eq!(links[0].to_str().ok(), Some("<http://h/p>; rel=\"self\""));
    }
}
