"""Date and number formats for the languages Django has no locale data for (so, prs, ti).

Without a format module Django falls back to its American defaults ("N j, Y", "P", Sunday first),
whose month abbreviations and "a.m."/"p.m." would then be looked up in Finnish. These people live
in Finland and read Finnish dates everywhere else, and the public pages already write them as
numbers ("j.n.Y H:i"), so the defaults are numeric too: no month name, no a.m./p.m., Monday first.
Numbers use the ASCII digits and the separators of Somali, Tigrinya and Dari as written in Finland
(decimal point, comma between thousands).
"""

from __future__ import annotations

DATE_FORMAT = "j.n.Y"
TIME_FORMAT = "H:i"
DATETIME_FORMAT = "j.n.Y H:i"
YEAR_MONTH_FORMAT = "n/Y"
MONTH_DAY_FORMAT = "j.n."
SHORT_DATE_FORMAT = "j.n.Y"
SHORT_DATETIME_FORMAT = "j.n.Y H:i"
FIRST_DAY_OF_WEEK = 1  # Monday, as in Finland

# Django adds the ISO formats (2026-11-25, what <input type="date"> sends) to these.
DATE_INPUT_FORMATS = ["%d.%m.%Y", "%d/%m/%Y"]
DATETIME_INPUT_FORMATS = ["%d.%m.%Y %H:%M", "%d.%m.%Y %H:%M:%S", "%d/%m/%Y %H:%M"]
TIME_INPUT_FORMATS = ["%H:%M", "%H:%M:%S", "%H.%M"]

DECIMAL_SEPARATOR = "."
THOUSAND_SEPARATOR = ","
NUMBER_GROUPING = 3
