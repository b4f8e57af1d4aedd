// Package ehc is the statutory clock of the EHC process: from a case's dated
// events it computes every deadline the law sets, when it falls, whether it was
// met, and the regulation that sets it. It is pure (no database, no clock of its
// own), so the server, `joinedup clock` and the benchmarks get the same answer.
//
// The rules (rules.csv) keep the ids and legal basis of the SEN2 standards'
// statutory-timescales table. A deadline is measured under the version of its
// rule in force on the day it runs from (From); where none was, as before
// 1 September 2014, there is no deadline.
//
// Exceptions excuse; they never pause (regs 5(4), 8(2), 10(4), 13(3)). The due
// date stays; a deadline that was missed or is overdue is excused when an
// exception its rule names overlaps the days from its start to its due date and,
// for absence and closure, lasts at least 28 continuous days.
//
// Where issue 4 is silent, we decided:
//
//   - Each request, or the council becoming responsible, starts R2, R4 and R6,
//     met by events before the next request; both on one day are one clock.
//     R6 exists once a decision in that time is to assess and none is not to issue.
//   - R3 is met by the first advice from the same contributor (the exact name)
//     dated on or after the day it was asked for.
//   - R5 is one per draft, met or breached by the first final plan since the
//     request (a final plan before its draft is a breach); it is pending until
//     there is one. R15 is one per amendment notice, met or breached by the
//     first amended plan on or after it.
//   - R13 and R14 are met by a report or decision before the next meeting; R15
//     and R16 by an amended plan, or a decision not to amend
//     (no_amendment_decision, reg 22(4)), before the next notice. reg 22(4)'s
//     own time limit is truncated in the source (R16's note): the decision is
//     held to R16's 8 weeks from the notice. It makes no amended plan, so it
//     meets R15 whatever its date: the 15 days keep an amended plan back, and
//     there is none.
//   - R10 ignores review decisions before the first final plan. A decision to
//     cease opens no further cycle; a later final plan closes the open cycle and
//     starts again.
//   - R17–R19 run From the transfer date (the day the rule is measured from,
//     which also picks its version) and count events from the same day twelve
//     months before it to the day before it.
//   - An exception's days count both ends. One without an end lasts until today,
//     for its length and its overlap; one beginning after today counts for
//     nothing. ExcusedBy is the reason of the first qualifying exception by start.
//   - Events after today still count: today only tells overdue from pending and
//     ends open exceptions.
//   - Input is strict: a field a type does not have, a contributor on an
//     exception other than a missed appointment, received before date, to
//     before from, and years outside 1900–2999 are refused. Whether events make
//     sense together (a final plan before its draft) is for the workflow to
//     refuse; the clock reports what such a history means (R5 breached).
//   - Deadlines come ordered by the day they fall on (due, or not before), then
//     rule number, From, contributor and Done: the events' order never matters.
package ehc
