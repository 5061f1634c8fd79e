//! The provider's few HTML pages.

/// Escapes text for HTML element content and double-quoted attribute values.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// A whole page: no scripts, no external resources, styles inline under a CSP that allows
/// nothing else.
pub fn page(title: &str, body: &str) -> String {
    format!(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>{title} · Local provider</title><style>{STYLE}</style></head>\
         <body><main>{body}<p class=\"note\">Local provider: a stand-in for Harvest ID on this machine.</p></main></body></html>",
        title = escape(title),
    )
}

const STYLE: &str = "body{font:16px/1.5 system-ui,sans-serif;margin:0;background:#f6f5f2;color:#1d1d1b}\
main{max-width:32rem;margin:3rem auto;padding:2rem;background:#fff;border-radius:8px;box-shadow:0 1px 3px #0002}\
h1{font-size:1.4rem}ul{list-style:none;padding:0}fieldset{border:1px solid #ccc;border-radius:6px}\
form button{margin-top:1rem}button{font:inherit;padding:.5rem 1.2rem;border-radius:6px;border:1px solid #555;cursor:pointer}\
#allow{background:#1f6f43;color:#fff;border-color:#1f6f43}button:focus-visible{outline:3px solid #f5a623}\
.note{color:#666;font-size:.85rem}.product{color:#666}";

#[cfg(test)]
mod tests {
    use super::escape;

    #[test]
    fn escape_neutralises_markup_and_attribute_quotes() {
        assert_eq!(
            escape("<a href=\"x\">'&'</a>"),
            "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;"
        );
    }
}
