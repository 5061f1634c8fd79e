//! The provider's few HTML pages, as maud templates: every value is escaped unless a template
//! says otherwise, and none does.

use maud::{html, Markup, PreEscaped, DOCTYPE};

/// A whole page: no scripts, no external resources, styles inline under a CSP that allows
/// nothing else.
pub fn page(title: &str, body: Markup) -> Markup {
    html! {
        (DOCTYPE)
        html lang="en" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (title) " · Local provider" }
                style { (PreEscaped(STYLE)) }
            }
            body {
                main {
                    (body)
                    p.note { "Local provider: a stand-in for Harvest ID on this machine." }
                }
            }
        }
    }
}

/// Our own constant style sheet (no page data), so it is not escaped.
const STYLE: &str = "body{font:16px/1.5 system-ui,sans-serif;margin:0;background:#f6f5f2;color:#1d1d1b}\
main{max-width:32rem;margin:3rem auto;padding:2rem;background:#fff;border-radius:8px;box-shadow:0 1px 3px #0002}\
h1{font-size:1.4rem}ul{list-style:none;padding:0}fieldset{border:1px solid #ccc;border-radius:6px}\
form button{margin-top:1rem}button{font:inherit;padding:.5rem 1.2rem;border-radius:6px;border:1px solid #555;cursor:pointer}\
#allow{background:#1f6f43;color:#fff;border-color:#1f6f43}button:focus-visible{outline:3px solid #f5a623}\
.note{color:#666;font-size:.85rem}.product{color:#666}";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn page_text_and_attributes_are_escaped() {
        let body = html! { p title=("\"><script>") { ("<a href=\"x\">'&'</a>") } };
        let out = page("<t>", body).into_string();
        assert!(
            out.contains("&lt;a href=&quot;x&quot;&gt;'&amp;'&lt;/a&gt;"),
            "{out}"
        );
        assert!(out.contains("title=\"&quot;&gt;&lt;script&gt;\""), "{out}");
        assert!(
            out.contains("<title>&lt;t&gt; · Local provider</title>"),
            "{out}"
        );
        assert!(!out.contains("<script>"), "{out}");
    }
}
