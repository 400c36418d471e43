namespace Bot.App.Talks;

/// <summary>
/// Turns a policy, a deadline and the work calendar into concrete push instants. Reminders before the deadline
/// that fall on a rest day move to the previous workday; overdue ones count workdays (调休 days included).
/// Two reminders landing on the same instant become one.
/// </summary>
public static class ReminderPlanner
{
    public static List<(ReminderKind Kind, DateTimeOffset DueAt)> Plan(ReminderPolicy policy, WorkCalendar calendar,
        DateTimeOffset now, DateOnly deadline, bool includeLaunch)
    {
        var plan = new List<(ReminderKind, DateTimeOffset)>();
        var today = DateOnly.FromDateTime(OrgTime.Local(now).DateTime);
        if (includeLaunch && policy.OnLaunch)
            plan.Add((ReminderKind.Launch, calendar.NextAllowed(now, policy.Hour)));

        var launchAt = plan.Count > 0 ? plan[0].Item2 : now;
        void AddBefore(ReminderKind kind, DateOnly day)
        {
            if (!calendar.IsWorkday(day))
                day = calendar.PreviousWorkday(day);
            var at = OrgTime.At(day, policy.Hour);
            if (at > launchAt && at > now)
                plan.Add((kind, at));
        }
        foreach (var days in policy.DaysBefore.Where(d => d > 0).OrderDescending())
            AddBefore(ReminderKind.BeforeDeadline, deadline.AddDays(-days));
        if (policy.OnDeadlineDay)
            AddBefore(ReminderKind.DeadlineDay, deadline);

        var overdueDay = deadline;
        var lastOverdue = Math.Max(policy.OverdueEveryWorkdays * policy.OverdueRepeats, policy.EscalateAfterWorkdays);
        for (var k = 1; k <= lastOverdue; k++)
        {
            overdueDay = calendar.NextWorkday(overdueDay);
            var at = OrgTime.At(overdueDay, policy.Hour);
            if (at <= now)
                continue;
            if (policy.OverdueEveryWorkdays > 0 && k % policy.OverdueEveryWorkdays == 0 && k / policy.OverdueEveryWorkdays <= policy.OverdueRepeats)
                plan.Add((ReminderKind.Overdue, at));
            if (k == policy.EscalateAfterWorkdays)
                plan.Add((ReminderKind.Escalation, at));
        }

        // One push per instant and audience: escalations go to other people, so they never fold into a reminder.
        return plan
            .GroupBy(p => (p.Item2, p.Item1 == ReminderKind.Escalation))
            .Select(g => g.OrderByDescending(p => p.Item1).First())
            .OrderBy(p => p.Item2).ThenBy(p => p.Item1)
            .ToList();
    }
}
