using System.Net;
using Bot.App.Talks;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Time.Testing;

namespace Bot.Tests.Talks;

public sealed class ReminderPlannerTests
{
    private static readonly WorkCalendar Calendar = new(Path.Combine(AppContext.BaseDirectory, "Talks", "holidays.json"));

    private static string Show(IEnumerable<(ReminderKind Kind, DateTimeOffset DueAt)> plan) =>
        string.Join(" | ", plan.Select(p => $"{p.Kind} {OrgTime.Local(p.DueAt):MM-dd HH:mm}"));

    [Fact]
    public void LaunchAtNightWaitsForNextWorkdayMorning()
    {
        // Friday 22:30 before a normal weekend.
        var plan = ReminderPlanner.Plan(new ReminderPolicy { DaysBefore = [], OverdueRepeats = 0, EscalateAfterWorkdays = 1 }, Calendar,
            new DateTimeOffset(2026, 11, 20, 22, 30, 0, TimeSpan.FromHours(8)), new DateOnly(2026, 11, 27), includeLaunch: true);
        Assert.Equal("Launch 11-23 09:00 | DeadlineDay 11-27 09:00 | Escalation 11-30 09:00", Show(plan));
    }

    [Fact]
    public void CustomPolicyHourAndIntervals()
    {
        var policy = new ReminderPolicy { DaysBefore = [2], Hour = 15, OverdueEveryWorkdays = 1, OverdueRepeats = 2, EscalateAfterWorkdays = 2, OnDeadlineDay = false };
        var plan = ReminderPlanner.Plan(policy, Calendar, new DateTimeOffset(2026, 11, 23, 10, 0, 0, TimeSpan.FromHours(8)), new DateOnly(2026, 11, 27), includeLaunch: false);
        Assert.Equal("BeforeDeadline 11-25 15:00 | Overdue 11-30 15:00 | Overdue 12-01 15:00 | Escalation 12-01 15:00", Show(plan));
    }

    [Fact]
    public async Task RestPolicyOverridesAreValidatedAndStored()
    {
        using var app = new BotApp(new FakeTimeProvider(new DateTimeOffset(2026, 11, 23, 2, 0, 0, TimeSpan.Zero)));
        TalkWorld.Seed(app);
        var admin = app.AdminClient();
        StringContent Body(string reminders) => new(
            $$"""{"title":"测试","kind":"提醒谈话","deadline":"2026-12-04","scope":{"all":true},"cascadeDepth":0,"reminders":{{reminders}}}""",
            System.Text.Encoding.UTF8, "application/json");

        var bad = await admin.PostAsync("/api/admin/campaigns", Body("""{"hour":23}"""));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, bad.StatusCode);
        Assert.Contains("8 到 20 点", await bad.Content.ReadAsStringAsync());

        var ok = await admin.PostAsync("/api/admin/campaigns", Body("""{"hour":14,"daysBefore":[1]}"""));
        Assert.Equal(HttpStatusCode.Created, ok.StatusCode);
        var policy = app.WithDb(db => db.Set<Campaign>().AsNoTracking().Single().Policy);
        Assert.Equal(14, policy.Hour);
        Assert.Equal([1], policy.DaysBefore);
        Assert.Equal(2, policy.OverdueEveryWorkdays);
    }
}
