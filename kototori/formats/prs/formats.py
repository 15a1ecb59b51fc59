# The numeric formats shared by the languages Django has no locale data for: see numeric.py.
from kototori.formats.numeric import *  # noqa: F403
