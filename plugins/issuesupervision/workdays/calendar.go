package workdays

// Calendar tells working days from days off: the national schedule built in (see the package
// documentation) with one congress's [Overrides] on top. It is immutable and safe for concurrent
// use; build a new one when the overrides change.
type Calendar struct {
	builtin   *builtinData
	overrides map[Date]Override
}

// Option configures a Calendar in [New].
type Option func(*Calendar)

// WithOverrides lays a congress's own days over the national schedule; an override wins over the
// built-in day. The Calendar keeps a copy, so later edits to o do not change it. Given more than
// once, the later overrides win day by day.
func WithOverrides(o Overrides) Option {
	days := o.clone()
	return func(c *Calendar) {
		if c.overrides == nil {
			c.overrides = make(map[Date]Override, len(days))
		}
		for d, v := range days {
			c.overrides[d] = v
		}
	}
}

// New returns a Calendar with the built-in national schedule and the given options.
func New(opts ...Option) *Calendar {
	c := &Calendar{builtin: builtin()}
	for _, opt := range opts {
		opt(c)
	}
	return c
}

// Kind returns what sort of day d is and, for a holiday or an adjusted working day, its name: the
// holiday as the notice names it (for an adjusted working day, the holiday it was moved for, e.g.
// "春节"), or the name a congress gave its override. It returns the zero Kind and "" for an
// invalid date. Outside the years the data [Calendar.Covers], only Saturdays and Sundays are days
// off.
func (c *Calendar) Kind(d Date) (Kind, string) {
	if !d.IsValid() {
		return 0, ""
	}
	if o, ok := c.overrides[d]; ok {
		switch {
		case o.Kind == Holiday:
			return Holiday, o.Name
		case isWeekend(d):
			return AdjustedWorkday, o.Name
		default:
			return Workday, o.Name
		}
	}
	if b, ok := c.builtin.days[d]; ok {
		return b.kind, b.name
	}
	if isWeekend(d) {
		return Weekend, ""
	}
	return Workday, ""
}

// IsWorkday reports whether d is a working day. It returns false for an invalid date.
func (c *Calendar) IsWorkday(d Date) bool {
	k, _ := c.Kind(d)
	return k.IsWorkday()
}

// Covers reports whether the built-in data holds the State Council schedule for year, verified or
// not. When it does not, holidays of that year are unknown and deadlines in it come out too
// early: callers should warn. Overrides do not count as coverage.
func (c *Calendar) Covers(year int) bool { return c.Status(year) != NoData }

// Status reports how far the built-in schedule for year can be trusted: [Verified] (checked
// against the State Council notice), [Unverified] (as lunar-go ships it) or [NoData].
func (c *Calendar) Status(year int) DataStatus { return builtinStatus(year) }
