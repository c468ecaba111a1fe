package open311

import (
	"slices"
	"strconv"
	"strings"
)

// Check validates submitted attribute values against the definition: every required variable
// attribute has a value; only a multivaluelist has several; list values are among the keys;
// numbers parse; datetimes are W3C date-times. Codes the definition does not know are refused.
// It returns a FormError, or nil.
func (d ServiceDefinition) Check(attrs map[string][]string) error {
	var problems FormError
	known := map[string]bool{}
	for _, a := range d.Attributes {
		known[a.Code] = true
		if !a.Variable {
			continue
		}
		field := "attribute[" + a.Code + "]"
		values := nonEmpty(attrs[a.Code])
		if len(values) == 0 {
			if a.Required {
				problems.add(field, "required")
			}
			continue
		}
		if len(values) > 1 && a.Datatype != MultiValueList {
			problems.add(field, "takes one value, got %d", len(values))
		}
		for _, v := range values {
			if p := a.checkValue(v); p != "" {
				problems.add(field, "%s", p)
			}
		}
	}
	codes := make([]string, 0, len(attrs))
	for code := range attrs {
		if !known[code] {
			codes = append(codes, code)
		}
	}
	slices.Sort(codes)
	for _, code := range codes {
		problems.add("attribute["+code+"]", "not defined for service %q", d.ServiceCode)
	}
	return problems.err()
}

func (a Attribute) checkValue(v string) string {
	switch a.Datatype {
	case Number:
		if _, err := strconv.ParseFloat(v, 64); err != nil {
			return strconv.Quote(v) + " is not a number"
		}
	case Datetime:
		if _, err := ParseTime(v); err != nil {
			return strconv.Quote(v) + " is not a W3C date-time with a time zone"
		}
	case String:
		if strings.ContainsAny(v, "\r\n") {
			return "a string may not contain line breaks"
		}
	case SingleValueList, MultiValueList:
		if !slices.ContainsFunc(a.Values, func(x AttributeValue) bool { return x.Key == v }) {
			return strconv.Quote(v) + " is not one of the listed values"
		}
	}
	return ""
}

func nonEmpty(values []string) []string {
	var out []string
	for _, v := range values {
		if strings.TrimSpace(v) != "" {
			out = append(out, v)
		}
	}
	return out
}
