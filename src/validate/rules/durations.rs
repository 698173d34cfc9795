//! ISO-8601 durations (`reauthenticateIn`, `inactivityPeriod`, …): Okta
//! takes them as strings, so a typo such as `PTOS` (letter O) would only
//! fail at apply time. The grammar is small enough to check exactly here
//! (the `iso8601` crate accepts trailing garbage such as `PTOS`).

use super::At;
use crate::finding::{Code, Finding};

/// Checks one duration field, if present.
pub fn duration(at: &At, value: Option<&String>, out: &mut Vec<Finding>) {
    let Some(value) = value else { return };
    let valid = is_iso8601_duration(value);
    if !valid {
        out.push(
            Finding::new(
                Code::InvalidDuration,
                at.node(),
                format!("`{value}` in {} is not an ISO-8601 duration", at.address),
            )
            .hint("write durations like `PT2H` (2 hours), `PT30M`, `P1D` or `PT0S` (the `0` is a zero, not the letter O)"),
        );
    }
}

/// `PnYnMnWnDTnHnMnS`, each part optional but at least one present, a
/// `T` only before time parts, seconds possibly fractional.
pub fn is_iso8601_duration(text: &str) -> bool {
    let Some(rest) = text.strip_prefix('P') else {
        return false;
    };
    let (date, time) = match rest.split_once('T') {
        Some((date, time)) if !time.is_empty() => (date, Some(time)),
        Some(_) => return false,
        None => (rest, None),
    };
    let parts = |segment: &str, units: &[char], fraction_unit: Option<char>| -> Option<usize> {
        let mut count = 0;
        let mut next_unit = 0;
        let mut number = String::new();
        for c in segment.chars() {
            if c.is_ascii_digit() || (c == '.' && fraction_unit.is_some()) {
                number.push(c);
                continue;
            }
            let position = units[next_unit..].iter().position(|u| *u == c)? + next_unit;
            let fractional = number.contains('.');
            if number.is_empty()
                || number.starts_with('.')
                || number.ends_with('.')
                || (fractional && Some(c) != fraction_unit)
            {
                return None;
            }
            number.clear();
            next_unit = position + 1;
            count += 1;
        }
        number.is_empty().then_some(count)
    };
    let date_parts = parts(date, &['Y', 'M', 'W', 'D'], None);
    let time_parts = match time {
        Some(time) => parts(time, &['H', 'M', 'S'], Some('S')),
        None => Some(0),
    };
    matches!((date_parts, time_parts), (Some(d), Some(t)) if d + t > 0 && (time.is_none() || t > 0))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn findings(value: &str) -> usize {
        let mut out = Vec::new();
        duration(&At::new(0, "/x", "x"), Some(&value.to_owned()), &mut out);
        out.len()
    }

    #[test]
    fn accepts_okta_durations_and_rejects_typos() {
        for ok in [
            "PT2H",
            "PT0S",
            "PT43800H",
            "P1D",
            "PT30M",
            "P30D",
            "PT720H",
            "P1Y2M3DT4H5M6.5S",
            "P2W",
        ] {
            assert_eq!(findings(ok), 0, "{ok}");
        }
        for bad in [
            "PTOS", "2h", "", "P", "PT", "T2H", "P1X", "PT2H3H", "PT1.5H", "P1DT", "PT-1S", "P1H",
        ] {
            assert_eq!(findings(bad), 1, "{bad}");
        }
    }
}
