#pragma once

/// Escaping text for the markup kubesim writes: the HTML pages (`kubesim report`, comparison.html)
/// and junit.xml. One function serves both: the five references it uses are valid in HTML and XML.

#include <string>
#include <string_view>

namespace kubesim::metrics {

/// `text` with &, <, >, " and ' replaced by character references (&amp; &lt; &gt; &quot; &#39;): safe
/// in element content and in quoted attribute values.
std::string escape_markup(std::string_view text);

}  // namespace kubesim::metrics
