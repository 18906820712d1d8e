/** Postcodes of many countries (Irish Eircodes "V15 XY22", "H-1062", "1250-146", "00-514", "1017 GA", "W2 4BH", "K1A 0B1", "ZBR 1020", "79098"). */
export const POSTCODE = String.raw`(?:[A-Z]{1,3}-\d{4,5}|\d{4,5}-\d{3,4}|\d{2}-\d{3}|\d{4}[ ]?[A-Z]{2}(?![\p{L}])|[A-Z]{1,2}\d[A-Z\d]?[ ]\d[A-Z]{2}|[A-Z]\d[A-Z][ ]\d[A-Z]\d|[A-Z]{3}[ ]\d{4}|[A-Z]\d{2}[ ][A-Z\d]{4}(?![\p{L}\d])|\d{3}[ -]\d{2,4}|\d{3,7})`;
/** The same without a bare three-digit number, for places found by their shape alone. */
export const POSTCODE_STRICT = String.raw`(?:[A-Z]{1,3}-\d{4,5}|\d{4,5}-\d{3,4}|\d{2}-\d{3}|\d{4}[ ]?[A-Z]{2}(?![\p{L}])|[A-Z]{1,2}\d[A-Z\d]?[ ]\d[A-Z]{2}|[A-Z]\d[A-Z][ ]\d[A-Z]\d|[A-Z]{3}[ ]\d{4}|[A-Z]\d{2}[ ][A-Z\d]{4}(?![\p{L}\d])|\d{3}[ ]\d{2}|\d{4,7})`;
/** A city: up to four capitalised words, with the particles place names carry ("Freiburg im Breisgau", "Saint-Dié-des-Vosges"). */
export const CITY_NAME = String.raw`\p{Lu}[\p{L}\p{M}'’.-]{0,29}(?:[ \t]{1,2}(?:(?:im|am|an der|an|sur|sous|de|des|du|la|le|lès|les|en|di|del|upon|on|bei|ob)[ \t]{1,2})?\p{Lu}[\p{L}\p{M}'’.-]{0,29}){0,3}`;
/** Words that open a line or a phrase after an address without being a place ("Room 4112", "Tel 5551234"). */
export const NOT_A_CITY = /^(?:room|rm|bed|bay|ward|tel|tél|tlf|phone|fax|ext|apt|suite|unit|floor|level|box|rx|mrn|dob|qty|lot|ref|item|page|dr|mr|mrs|ms|the|re|dear)\.?$/i;
/** Postcodes with a letter in them (Eircode "P24 X302", UK "DL3 7LX", Canadian, Dutch "8271 BT", "L-9540"): the letters make them no count or year. */
export const POSTCODE_LETTERED = String.raw`(?:[A-Z]{1,3}-\d{4,5}|\d{4}[ ]?[A-Z]{2}(?![\p{L}])|[A-Z]{1,2}\d[A-Z\d]?[ ]\d[A-Z]{2}|[A-Z]\d[A-Z][ ]\d[A-Z]\d|[A-Z]\d{2}[ ][A-Z\d]{4}(?![\p{L}\d]))`;
