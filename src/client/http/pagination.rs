//! Okta's cursor pagination from the client's side: a list asks for the
//! biggest page Okta serves ([`PAGE_LIMIT`]) and then follows the
//! `Link: <…>; rel="next"` header until there is none. The link is opaque
//! (Okta says: follow it, don't build it), so it is parsed as RFC 8288
//! writes it — several links per header or several headers, quoted or bare
//! parameters — and resolved against the page that carried it. A `next`
//! link to any other origin than the org's is refused: following it would
//! send the API token there.

use reqwest::Url;
use reqwest::header::{HeaderMap, LINK};

use super::url::OrgUrl;

/// The largest `limit` Okta's paginated lists accept.
pub const PAGE_LIMIT: &str = "200";

/// One link of a `Link` header.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Link {
    /// The URI reference between `<` and `>`, as sent.
    pub target: String,
    /// The `rel` values, lowercased (`rel="next last"` is two).
    pub rels: Vec<String>,
}

/// Every link in the `Link` header values `values`, in order. Malformed
/// pieces are skipped, not fatal: a missing `next` only ends the list.
pub fn parse_links<'a>(values: impl IntoIterator<Item = &'a str>) -> Vec<Link> {
    let mut links = Vec::new();
    for value in values {
        parse_value(value, &mut links);
    }
    links
}

fn parse_value(value: &str, links: &mut Vec<Link>) {
    let mut rest = value;
    loop {
        rest = rest.trim_start_matches(|c: char| c == ',' || c.is_whitespace());
        let Some(inside) = rest.strip_prefix('<') else {
            match rest.find(',') {
                // Not a link: skip to the next one.
                Some(comma) => {
                    rest = &rest[comma..];
                    continue;
                }
                None => return,
            }
        };
        let Some((target, after)) = inside.split_once('>') else {
            return;
        };
        rest = after;
        let mut rels = Vec::new();
        while let Some(after_semicolon) = rest.trim_start().strip_prefix(';') {
            let (name, value, after_param) = parse_param(after_semicolon);
            rest = after_param;
            if name.eq_ignore_ascii_case("rel") {
                rels.extend(value.split_ascii_whitespace().map(str::to_ascii_lowercase));
            }
        }
        links.push(Link {
            target: target.trim().to_owned(),
            rels,
        });
        // Whatever follows the parameters up to the next comma is noise.
        match rest.find(',') {
            Some(comma) => rest = &rest[comma..],
            None => return,
        }
    }
}

/// `name[=value]` (value a token or a quoted string) at the start of
/// `text`; returns the name, the unquoted value and the rest.
fn parse_param(text: &str) -> (&str, String, &str) {
    let text = text.trim_start();
    let name_end = text
        .find(|c: char| c == '=' || c == ';' || c == ',' || c.is_whitespace())
        .unwrap_or(text.len());
    let (name, rest) = text.split_at(name_end);
    let Some(after_equals) = rest.trim_start().strip_prefix('=') else {
        return (name, String::new(), rest);
    };
    let rest = after_equals.trim_start();
    if let Some(quoted) = rest.strip_prefix('"') {
        let mut value = String::new();
        let mut escaped = false;
        for (at, c) in quoted.char_indices() {
            match (escaped, c) {
                (true, c) => {
                    value.push(c);
                    escaped = false;
                }
                (false, '\\') => escaped = true,
                (false, '"') => return (name, value, &quoted[at + 1..]),
                (false, c) => value.push(c),
            }
        }
        // Unterminated: take what there is.
        return (name, value, "");
    }
    let end = rest
        .find(|c: char| c == ';' || c == ',' || c.is_whitespace())
        .unwrap_or(rest.len());
    let (value, rest) = rest.split_at(end);
    (name, value.to_owned(), rest)
}

/// Why a `next` link cannot be followed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NextPageError {
    /// The link is not a URL, even relative to the current page.
    NotAUrl { target: String },
    /// The link leaves the org: the token must not follow it.
    OtherOrigin { origin: String },
}

impl std::fmt::Display for NextPageError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            NextPageError::NotAUrl { target } => {
                write!(f, "the next-page link `{target}` is not a URL")
            }
            NextPageError::OtherOrigin { origin } => write!(
                f,
                "the next-page link points to another origin ({origin}); oktapol does not send the API token anywhere but the org"
            ),
        }
    }
}

/// The next page's URL, if the response to `current` names one.
pub fn next_page(
    org: &OrgUrl,
    current: &Url,
    headers: &HeaderMap,
) -> Result<Option<Url>, NextPageError> {
    let values = headers.get_all(LINK).iter().filter_map(|v| v.to_str().ok());
    let Some(next) = parse_links(values)
        .into_iter()
        .find(|link| link.rels.iter().any(|rel| rel == "next"))
    else {
        return Ok(None);
    };
    let url = current
        .join(&next.target)
        .map_err(|_| NextPageError::NotAUrl {
            target: next.target.clone(),
        })?;
    if !org.same_origin(&url) {
        return Err(NextPageError::OtherOrigin {
            origin: url.origin().ascii_serialization(),
        });
    }
    Ok(Some(url))
}

#[cfg(test)]
mod tests {
    use reqwest::header::HeaderValue;

    use super::*;

    fn link(target: &str, rels: &[&str]) -> Link {
        Link {
            target: target.to_owned(),
            rels: rels.iter().map(|r| (*r).to_owned()).collect(),
        }
    }

    #[test]
    fn links_parse_as_okta_and_rfc_8288_write_them() {
        let cases: &[(&[&str], Vec<Link>)] = &[
            // The emulator's (and Okta's) shape: one header per link.
            (
                &[
                    "<http://h:1/api/v1/policies?type=PASSWORD>; rel=\"self\"",
                    "<http://h:1/api/v1/policies?type=PASSWORD&limit=200&after=00p1>; rel=\"next\"",
                ],
                vec![
                    link("http://h:1/api/v1/policies?type=PASSWORD", &["self"]),
                    link(
                        "http://h:1/api/v1/policies?type=PASSWORD&limit=200&after=00p1",
                        &["next"],
                    ),
                ],
            ),
            // Both in one header, bare token values, odd spacing and case.
            (
                &["<https://a/x?a=1,2>;rel=self ,  <https://a/y> ; REL = Next"],
                vec![
                    link("https://a/x?a=1,2", &["self"]),
                    link("https://a/y", &["next"]),
                ],
            ),
            // Several rels, other parameters, escapes and commas in quotes.
            (
                &[r#"<https://a/z>; title="a, \"b\""; rel="next last", </rel>; rel=prev"#],
                vec![
                    link("https://a/z", &["next", "last"]),
                    link("/rel", &["prev"]),
                ],
            ),
            // Garbage around links is skipped, an unclosed `<` ends it.
            (
                &["junk, <https://a/ok>; rel=next; x, <https://a/broken"],
                vec![link("https://a/ok", &["next"])],
            ),
            (&["", "   ,  ", "<>"], vec![link("", &[])]),
            (
                &[r#"<https://a/u>; rel="next"#],
                vec![link("https://a/u", &["next"])],
            ),
        ];
        for (values, expected) in cases {
            assert_eq!(&parse_links(values.iter().copied()), expected, "{values:?}");
        }
    }

    fn headers(values: &[&str]) -> HeaderMap {
        let mut headers = HeaderMap::new();
        for value in values {
            headers.append(LINK, HeaderValue::from_str(value).expect("header"));
        }
        headers
    }

    #[test]
    fn the_next_page_stays_on_the_org() {
        let org = OrgUrl::parse("http://127.0.0.1:8080").expect("org");
        let current = Url::parse("http://127.0.0.1:8080/api/v1/groups?limit=200").expect("url");
        let next = |values: &[&str]| next_page(&org, &current, &headers(values));
        assert_eq!(next(&[]), Ok(None));
        assert_eq!(
            next(&["<http://127.0.0.1:8080/api/v1/groups>; rel=\"self\""]),
            Ok(None)
        );
        assert_eq!(
            next(&[
                "<http://127.0.0.1:8080/api/v1/groups>; rel=\"self\"",
                "<http://127.0.0.1:8080/api/v1/groups?limit=200&after=00g2>; rel=\"next\"",
            ])
            .map(|u| u.map(String::from)),
            Ok(Some(
                "http://127.0.0.1:8080/api/v1/groups?limit=200&after=00g2".to_owned()
            ))
        );
        // Relative links resolve against the current page.
        assert_eq!(
            next(&["</api/v1/groups?after=00g3>; rel=next"]).map(|u| u.map(String::from)),
            Ok(Some(
                "http://127.0.0.1:8080/api/v1/groups?after=00g3".to_owned()
            ))
        );
        for foreign in [
            "<http://evil.example/api/v1/groups?after=x>; rel=\"next\"",
            "<http://127.0.0.1:8081/api/v1/groups?after=x>; rel=\"next\"",
            "<https://127.0.0.1:8080/api/v1/groups?after=x>; rel=\"next\"",
            "<//evil.example/api/v1/groups>; rel=\"next\"",
        ] {
            let refused = next(&[foreign]).expect_err(foreign);
            assert!(
                matches!(refused, NextPageError::OtherOrigin { .. }),
                "{foreign}"
            );
            assert!(refused.to_string().contains("API token"));
        }
        assert!(matches!(
            next(&["<http://[bad>; rel=next"]),
            Err(NextPageError::NotAUrl { .. })
        ));
    }
}
