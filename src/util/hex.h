/*
 * hex - the value of one hexadecimal digit.
 *
 * hex_value() takes either case, hex_value_lower() only the lower case that
 * stranger's own formats write (a baseline's digests, a signature), so an
 * edited upper-case digit there is an error, not a match.  Both return -1
 * for anything that is not such a digit.
 */
#ifndef STRANGER_UTIL_HEX_H
#define STRANGER_UTIL_HEX_H

static inline int hex_value_lower(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

static inline int hex_value(int c)
{
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return hex_value_lower(c);
}

#endif
