// Package workdays is the working-day calendar of mainland China that issue supervision (代表督事)
// uses for its deadlines: an issue must be answered within N working days (工作日), and the
// dashboard reports handling times in working days.
//
// A day is a working day unless it is a Saturday or Sunday or a public holiday, except that the
// State Council moves some weekend days into working days (调休上班) to lengthen a holiday. Both
// the holidays and those moved weekend days are published once a year by the General Office of
// the State Council (国务院办公厅关于某年部分节假日安排的通知), so no rule can compute them.
//
// # Where the data comes from
//
// The built-in schedule is read from the HolidayUtil package of github.com/6tail/lunar-go
// (MIT, pinned at v1.4.7 in go.mod), a maintained library made for exactly this job: its author
// adds each year's State Council schedule when it is published (v1.4.6 of 2025-11-05 added 2026,
// v1.4.7 of 2026-11-06 added 2027) and it holds every year from 2002 on. We use it rather than
// keep our own copy so that a new year is a dependency bump, not hand-typed dates. A congress can
// lay its own days on top (a typhoon closure, an extra working day) with [Overrides].
//
// How far each year can be trusted is reported by [Calendar.Status]:
//
//   - 2026 is [Verified]: lunar-go's data for 2026 was checked day by day against the text of
//     国务院办公厅关于2026年部分节假日安排的通知 (国办发明电〔2025〕7号, dated 2025-11-04, published
//     by Xinhua and at gov.cn/zhengce/content/202511/content_7047090.htm), and a test pins it:
//     New Year Jan 1–3 (Sun Jan 4 worked); Spring Festival Feb 15–23 (Sat Feb 14 and Sat Feb 28
//     worked); Qingming Apr 4–6; Labour Day May 1–5 (Sat May 9 worked); Dragon Boat Jun 19–21;
//     Mid-Autumn Sep 25–27; National Day Oct 1–7 (Sun Sep 20 and Sat Oct 10 worked).
//   - 2027 is [Unverified]: it is what lunar-go v1.4.7 ships as the 2027 statutory holidays
//     (its changelog: "新增：2027年法定假日", released 2026-11-06). We have not seen the text of
//     the 2027 notice itself, so it is not checked by us; a test pins lunar-go's 2027 dates so that
//     any change is noticed. Whoever checks it against the notice at gov.cn adds 2027 to
//     verifiedYears (builtin.go) and cites the notice there.
//   - 2002–2025 are [Unverified] history from lunar-go, kept for handling-time statistics on old
//     issues.
//   - Any other year is [NoData]: [Calendar.Covers] reports false and only weekends are days off.
//     Callers should warn when a deadline falls in such a year.
//
// A notice can reach into the year before it (2019's made 2018-12-29 a working day and
// 2018-12-30/31 holidays), so the last days of December of the newest covered year may still
// change when the next notice is published.
//
// # Days and deadlines
//
// Every date here is a civil date in China Standard Time (Asia/Shanghai, UTC+8, no daylight
// saving since 1991): [DateOf] turns an instant into one. An issue submitted on a day that is not
// a working day counts as received on the next working day (视为下一个工作日受理); the day of
// receipt is not counted (期间开始之日不计算在内). So an issue submitted on a working day at
// 10:00 with a limit of 5 working days is due at 23:59:59.999 of the 5th working day after that
// day ([Calendar.AddWorkdays]); [Calendar.WorkdaysBetween] is its inverse, for statistics.
//
// A [Calendar] is immutable and safe for concurrent use. Overrides are edited on an [Overrides]
// value, stored by the scene as JSON, and given to [New] again.
package workdays
