using System.Text.Json.Nodes;
using Bot.App.Reports;
using Bot.App.Talks;
using Bot.Tests.Talks;
using Microsoft.Extensions.Time.Testing;

namespace Bot.Tests.Reports;

/// <summary>Clients without Universal Actions press the Action.Submit fallback: same handlers, card updated by PUT.</summary>
public sealed class SubmitFallbackTests
{
    [Fact]
    public async Task ReportThroughActionSubmitFallbackReplacesTheCard()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 11, 20, 10, 0, 0, TimeSpan.FromHours(8)));
        using var app = new BotApp(clock);
        var world = TalkWorld.Seed(app);
        await world.InstallAsync(app, TalkWorld.Wang, TalkWorld.Zhao);
        await TalkWorld.CreateCampaignAsync(app, "2026-12-04", new { leaders = new[] { "wangqiang@demo.gov.cn" } });
        var assignment = app.WithDb(db => db.Set<Assignment>().Single());
        var value = new JsonObject
        {
            ["verb"] = "report.submit", ["assignmentId"] = assignment.Id, ["talkDate"] = "2026-11-19", ["form"] = "集体",
            ["targets"] = string.Join(",", assignment.Targets.Select(t => t.PersonId)), ["topics"] = "0,1,2,3",
            ["summary"] = "集体约谈，通报典型案例。",
        };

        await app.SendAsync(TalkWorld.Zhao.Submit(value.DeepClone().AsObject(), "card-9"));
        Assert.Contains("不是您的约谈任务", TalkWorld.Text(app.Connector.Calls.Last().Body));
        Assert.Equal(0, app.WithDb(db => db.Set<TalkReport>().Count()));

        await app.SendAsync(TalkWorld.Wang.Submit(value, "card-9"));
        var put = app.Connector.Puts.Last();
        Assert.EndsWith("/activities/card-9", put.Path);
        Assert.Contains("已收到约谈完成情况", TalkWorld.Text(put.Body));
        Assert.Equal(4, app.WithDb(db => db.Set<TalkReport>().Single().Topics.Count));
    }
}
