using System.Net;
using System.Text.Json.Nodes;
using Bot.App.Talks;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Time.Testing;

namespace Bot.Tests.Talks;

public sealed class SnoozeAndFlagTests
{
    [Fact]
    public async Task SnoozeOnFridayRemindsOnceOnMondayMorning()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 11, 20, 10, 0, 0, TimeSpan.FromHours(8)));
        using var app = new BotApp(clock);
        var world = TalkWorld.Seed(app);
        await world.InstallAsync(app, TalkWorld.Wang);
        await TalkWorld.CreateCampaignAsync(app, "2026-12-04", new { leaders = new[] { "wangqiang@demo.gov.cn" } });
        await TalkWorld.TickAsync(app);
        var id = app.WithDb(db => db.Set<Assignment>().Single().Id);

        var response = await app.PostAsync(TalkWorld.Wang.Execute("talk.snooze", new JsonObject { ["verb"] = "talk.snooze", ["assignmentId"] = id }, "c1"));
        Assert.Contains("2026年11月23日 09:00", TalkWorld.Text(JsonNode.Parse(await response.Content.ReadAsStringAsync())));

        var before = app.Connector.Calls.Count;
        var sentAt = new List<DateTimeOffset>();
        for (var i = 0; i < 6 * 24 * 3; i++) // to Monday 10:00, every 10 minutes
        {
            clock.Advance(TimeSpan.FromMinutes(10));
            var count = app.Connector.Calls.Count;
            await TalkWorld.TickAsync(app);
            if (app.Connector.Calls.Count > count)
                sentAt.Add(clock.GetUtcNow());
        }
        Assert.Equal([new DateTimeOffset(2026, 11, 23, 9, 0, 0, TimeSpan.FromHours(8))], sentAt);
        Assert.Equal(before + 1, app.Connector.Calls.Count);

        // Someone else's snooze is refused and changes nothing.
        await world.InstallAsync(app, TalkWorld.Zhao);
        var reminders = app.WithDb(db => db.Set<Reminder>().Count());
        var refused = await app.PostAsync(TalkWorld.Zhao.Execute("talk.snooze", new JsonObject { ["verb"] = "talk.snooze", ["assignmentId"] = id }, "c2"));
        Assert.Contains("不是您的约谈任务", await refused.Content.ReadAsStringAsync());
        Assert.Equal(reminders, app.WithDb(db => db.Set<Reminder>().Count()));
    }

    [Fact]
    public async Task ReportCoveringFewTopicsIsFlaggedToAdmins()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 11, 20, 10, 0, 0, TimeSpan.FromHours(8)));
        using var app = new BotApp(clock);
        var world = TalkWorld.Seed(app);
        await world.InstallAsync(app, TalkWorld.Wang, TalkWorld.Admin);
        await TalkWorld.CreateCampaignAsync(app, "2026-12-04", new { leaders = new[] { "wangqiang@demo.gov.cn" } });
        var assignment = app.WithDb(db => db.Set<Assignment>().AsNoTracking().Single());
        var data = new JsonObject
        {
            ["verb"] = "report.submit", ["assignmentId"] = assignment.Id, ["talkDate"] = "2026-11-19", ["form"] = "个别",
            ["targets"] = assignment.Targets[0].PersonId.ToString(System.Globalization.CultureInfo.InvariantCulture), ["topics"] = "5",
            ["summary"] = "主要部署了下季度业务工作。",
        };
        var response = await app.PostAsync(TalkWorld.Wang.Execute("report.submit", data, "c1"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        await app.IdleAsync();
        var flag = app.Connector.Calls.Single(c => c.Path.Contains("a%3Alimin", StringComparison.Ordinal) && TalkWorld.Text(c.Body).Contains("谈业务多、谈廉政少"));
        Assert.Contains("1/6", TalkWorld.Text(flag.Body));
    }
}
