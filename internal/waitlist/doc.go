// Package waitlist measures children's health waiting lists: from a pathway's
// dated events it says whether the child is waiting, how long (days and weeks
// band), which breach thresholds the wait is over, and how long the child has
// waited in all; and it projects a list forward week by week against a planned
// capacity. It is pure (no database, no clock of its own), so pages, dashboards,
// `joinedup waits` and the benchmarks get the same answer.
//
// The rules (issue 7):
//
//   - The clock starts on the day the referral is received; days waited at a
//     census date are census − start (the start day is day 0).
//   - Weeks band = ceil(days/7), at least 1: ">n−1 to n weeks", as the NHS
//     Community Health Services waiting list collection bands them.
//   - Breaches: over 18 weeks is more than 126 days, over 36 more than 252, over
//     52 more than 364, over 104 more than 728.
//   - The clock stops at the first clock_stop: definitive treatment, completed
//     assessment, discharge, a decision not to treat, the family declining, or
//     active monitoring.
//   - Under rtt, a did-not-attend at the first appointment nullifies the clock,
//     and a new clock starts on the day the new appointment is booked (rebooked).
//   - A commissioned transfer (to clear a backlog) continues the clock; a Right to
//     Choose new_referral closes the old pathway and starts a new clock on its
//     day, while total_wait_days still counts from the first referral.
//
// Where issue 7 is silent, we decided:
//
//   - Only the first appointment after a referral (referral_received or a
//     new_referral) can be nullified, once: a DNA after an attended appointment,
//     or at the appointment booked after a nullification, leaves the clock
//     running (the RTT rules tie nullification to "the first appointment
//     following the referral that started the clock").
//   - Under chs a DNA changes nothing: the clock runs on and rebooked starts
//     nothing. The issue ties nullification to rtt only, and resetting a community
//     clock for a missed appointment would hide how long children wait; a team
//     that discharges after a DNA records a clock_stop (discharged).
//   - A DNA without rebooked (not yet rebooked) leaves the pathway nullified; so
//     does one whose rebooked day is after the census. A nullified pathway has no
//     clock: clock_start is null, days_waited and weeks_band are 0 and there are
//     no breaches; total_wait_days runs from the first referral to the DNA.
//   - A clock_stop while nullified and not rebooked (discharged after a DNA)
//     closes the pathway, which stays nullified; a clock_stop between a DNA and
//     its rebooked day is refused, as there is no clock to stop.
//   - total_wait_days runs from the first referral to the stop, or the census if
//     waiting: through nullified clocks as well as Right to Choose referrals, as
//     the family lived it. Breaches are of the current clock (days_waited).
//   - Events after the census have not happened yet at the census: a stop after
//     it leaves the child waiting. They are still checked, so the same input is
//     valid or invalid whatever the census. A referral after the census is refused.
//   - After the first clock_stop, later stops, appointments, DNAs and commissioned
//     transfers change nothing; a new_referral (Right to Choose) starts a new clock
//     even then, since it is a new referral.
//   - A pathway has exactly one referral_received, before or on the day of every
//     other event; a second one is refused (a Right to Choose referral is a
//     transfer of kind new_referral); so is an id used twice in one input.
//   - Events come in any order. Same-day events happen in this order: the
//     referral, transfers, DNAs, rebookings, attended appointments, stops. So a
//     child rebooked and seen on one day waited 0 days on the new clock.
//   - Input is strict: unknown fields, empty strings and dates outside 1900–2999
//     are refused.
package waitlist
