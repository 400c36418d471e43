using System.Globalization;
using System.Text.Json.Nodes;
using Bot.App.Talks;
using Bot.Tests.Fakes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Bot.Tests.Talks;

/// <summary>
/// Three weeks of a campaign over 中秋 and 国庆 2026 (holidays 9/25–27 and 10/1–7, 调休 workday Saturday 10/10),
/// driven by a fake clock in 30-minute steps, asserting on the Connector calls the bot really made.
/// </summary>
public sealed class ReminderScheduleTests
{
    private static readonly DateTimeOffset Start = new(2026, 9, 21, 10, 0, 0, TimeSpan.FromHours(8)); // Monday

    private sealed record Sent(DateTimeOffset At, FakeConnector.Call Call)
    {
        public string Local => At.ToOffset(TimeSpan.FromHours(8)).ToString("MM-dd HH:mm", CultureInfo.InvariantCulture);
        public bool To(TestUser user) => Call.Path.Contains("/conversations/" + Uri.EscapeDataString(user.ConversationId) + "/activities", StringComparison.Ordinal);
    }

    private sealed class Recorder(BotApp app, FakeTimeProvider clock)
    {
        private int seen = app.Connector.Calls.Count;
        public List<Sent> Calls { get; } = [];

        public async Task RunUntilAsync(DateTimeOffset end, Func<DateTimeOffset, Task>? at = null)
        {
            while (clock.GetUtcNow() < end)
            {
                clock.Advance(TimeSpan.FromMinutes(30));
                if (at is not null)
                    await at(clock.GetUtcNow());
                await TalkWorld.TickAsync(app);
                Drain();
            }
        }

        public void Drain()
        {
            var all = app.Connector.Calls.ToArray();
            foreach (var call in all.Skip(seen))
                Calls.Add(new Sent(clock.GetUtcNow(), call));
            seen = all.Length;
        }
    }

    private static DateTimeOffset Local(int month, int day, int hour, int minute = 0) => new(2026, month, day, hour, minute, 0, TimeSpan.FromHours(8));

    [Fact]
    public async Task RemindersFollowPolicyAroundHolidaysAndEscalateOnThirdOverdueWorkday()
    {
        var clock = new FakeTimeProvider(Start);
        using var app = new BotApp(clock);
        var world = TalkWorld.Seed(app);
        await world.InstallAsync(app);
        var recorder = new Recorder(app, clock);
        await TalkWorld.CreateCampaignAsync(app, "2026-10-09", new { leaders = new[] { "wangqiang@demo.gov.cn", "zhaoli@demo.gov.cn" } });
        await TalkWorld.TickAsync(app);
        recorder.Drain();

        var zhaoAssignment = app.WithDb(db => db.Set<Assignment>().Single(a => a.LeaderId == world.People["赵丽"]).Id);
        var targets = app.WithDb(db => db.Set<Assignment>().Single(a => a.Id == zhaoAssignment).Targets);
        await recorder.RunUntilAsync(Local(10, 15, 20), async now =>
        {
            if (now == Local(10, 8, 12))
            {
                var data = new JsonObject
                {
                    ["verb"] = "report.submit", ["assignmentId"] = zhaoAssignment, ["talkDate"] = "2026-10-08", ["form"] = "集体",
                    ["targets"] = string.Join(",", targets.Select(t => t.PersonId)), ["topics"] = "0,1,2,3,4,5", ["summary"] = "传达会议精神，逐一提出廉政要求。",
                };
                await app.PostAsync(TalkWorld.Zhao.Execute("report.submit", data, "card-zhao"));
            }
        });

        var wang = recorder.Calls.Where(c => c.To(TalkWorld.Wang)).Select(c => $"{c.Call.Method} {c.Local}").ToList();
        Assert.Equal(
        [
            "POST 09-21 10:00", // launch
            "PUT 09-30 09:00",  // T-7 (10/2) and T-3 (10/6) fall in 国庆, both move to the last workday before: one push
            "PUT 10-08 09:00",  // T-1
            "PUT 10-09 09:00",  // deadline day
            "PUT 10-12 09:00",  // 2nd overdue workday (the 调休 Saturday 10/10 was the 1st)
            "PUT 10-14 09:00",  // 4th overdue workday
        ], wang);

        var zhao = recorder.Calls.Where(c => c.To(TalkWorld.Zhao)).Select(c => $"{c.Call.Method} {c.Local}").ToList();
        Assert.Equal(["POST 09-21 10:00", "PUT 09-30 09:00", "PUT 10-08 09:00", "PUT 10-08 12:00"], zhao); // last: the receipt replacing the card

        // Escalation for 王强 only (赵丽 reported): supervisor and admin, on the 3rd overdue workday.
        var escalations = recorder.Calls.Where(c => TalkWorld.Text(c.Call.Body).Contains("督办")).ToList();
        Assert.Equal(2, escalations.Count);
        Assert.All(escalations, e => Assert.Equal("10-13 09:00", e.Local));
        Assert.Contains(escalations, e => e.To(TalkWorld.Zhang));
        Assert.Contains(escalations, e => e.To(TalkWorld.Admin));
        Assert.Contains("王强", TalkWorld.Text(escalations[0].Call.Body));

        var calendar = app.Services.GetRequiredService<WorkCalendar>();
        Assert.All(recorder.Calls, c => Assert.True(calendar.IsPushAllowed(c.At), $"push at {c.Local} is in quiet time"));
        Assert.DoesNotContain(recorder.Calls, c => !calendar.IsWorkday(DateOnly.FromDateTime(c.At.ToOffset(TimeSpan.FromHours(8)).DateTime)));
        Assert.Contains("已逾期", TalkWorld.Text(recorder.Calls.Last(c => c.To(TalkWorld.Wang)).Call.Body));
    }

    [Fact]
    public async Task RestartMidCampaignNeitherLosesNorRepeatsReminders()
    {
        var clock = new FakeTimeProvider(Start);
        var dir = Path.Combine(Path.GetTempPath(), "bot-tests-restart-" + Guid.NewGuid().ToString("N"));
        var config = new Dictionary<string, string?> { ["Data:Directory"] = dir };
        try
        {
            var sent = new List<Sent>();
            using (var first = new BotApp(clock, config))
            {
                var world = TalkWorld.Seed(first);
                await world.InstallAsync(first, TalkWorld.Wang);
                var recorder = new Recorder(first, clock);
                await TalkWorld.CreateCampaignAsync(first, "2026-10-09", new { leaders = new[] { "wangqiang@demo.gov.cn" } });
                await TalkWorld.TickAsync(first);
                recorder.Drain();
                await recorder.RunUntilAsync(Local(9, 29, 12));
                sent.AddRange(recorder.Calls);
            }
            Assert.Equal(["POST 09-21 10:00"], sent.Select(c => $"{c.Call.Method} {c.Local}"));

            // Down from 9/29 noon to 10/8 noon: the 9/30 and 10/8 09:00 reminders came due meanwhile.
            clock.SetUtcNow(Local(10, 8, 12));
            using var second = new BotApp(clock, config);
            var after = new Recorder(second, clock);
            await TalkWorld.TickAsync(second);
            await TalkWorld.TickAsync(second);
            after.Drain();
            await after.RunUntilAsync(Local(10, 9, 12));

            Assert.Equal(["PUT 10-08 12:00", "PUT 10-09 09:00"], after.Calls.Select(c => $"{c.Call.Method} {c.Local}"));
            var reminders = second.WithDb(db => db.Set<Reminder>().AsNoTracking().OrderBy(r => r.DueAt).ToList());
            var missed = reminders.Where(r => r.DueAt < Local(10, 8, 12)).ToList();
            Assert.All(missed, r => Assert.NotNull(r.SentAt));
            Assert.Single(missed, r => r.Outcome!.StartsWith("合并到", StringComparison.Ordinal));
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            try { Directory.Delete(dir, recursive: true); } catch (IOException) { }
        }
    }
}
