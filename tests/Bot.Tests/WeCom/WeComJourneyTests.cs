using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Bot.App.Org;
using Bot.Protocol;
using Bot.Tests.Talks;
using Microsoft.Extensions.Time.Testing;

namespace Bot.Tests.WeCom;

/// <summary>The leaders' and admins' journeys over WeCom: the same handlers as Teams, WeCom cards on the wire.</summary>
public sealed class WeComJourneyTests
{
    // Wednesday 10:00 in Asia/Shanghai: a workday outside quiet hours, so launch reminders go out at once.
    private static readonly DateTimeOffset Workday = new(2026, 12, 2, 10, 0, 0, TimeSpan.FromHours(8));

    private static async Task<(WeComChannel Channel, TalkWorld World)> StartAsync()
    {
        var channel = await WeComChannel.StartAsync(new FakeTimeProvider(Workday));
        var world = TalkWorld.Seed(channel.App);
        channel.App.WithDb(db =>
        {
            db.Set<Person>().Single(p => p.Name == "王强").WeComUserId = "wangqiang";
            db.Set<Person>().Single(p => p.Name == "陈晨").WeComUserId = "chenchen";
            return db.SaveChanges();
        });
        foreach (var user in new[] { "wangqiang", "chenchen" })
            await channel.DeliverAsync(WeComChannel.EventXml(user, "subscribe", channel.NextCreateTime()));
        return (channel, world);
    }

    private static string Text(JsonNode? node) => node?.ToJsonString(ProtocolJson.Options) ?? "";

    private static JsonObject Button(JsonObject card, string text) =>
        card["button_list"]!.AsArray().Select(b => b!.AsObject()).Single(b => b["text"]!.GetValue<string>() == text);

    [Fact]
    public async Task ReminderReachesALeaderOnWeComAndSnoozeUpdatesTheCard()
    {
        var (channel, _) = await StartAsync();
        await using var _channel = channel;
        var created = await channel.App.AdminClient().PostAsJsonAsync("/api/admin/campaigns",
            new { title = "年终廉政约谈", kind = "廉政谈话", deadline = "2026-12-20", scope = new { all = true }, cascadeDepth = 0 });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);

        await TalkWorld.TickAsync(channel.App);

        var reminder = channel.Server.Sends.Last(c => c.Body?["touser"]?.GetValue<string>() == "wangqiang");
        var card = reminder.Body!["template_card"]!.AsObject();
        Assert.Contains("年终廉政约谈", Text(card));
        var snooze = Button(card, "稍后提醒");

        var calls = await channel.ClickAsync("wangqiang", card["task_id"]!.GetValue<string>(), snooze["key"]!.GetValue<string>(), "rc-snooze");

        Assert.Contains(calls, c => c.Path == "message/update_template_card" && c.Body!["response_code"]!.GetValue<string>() == "rc-snooze"
                                    || c.Path == "message/send" && c.Body!["touser"]!.GetValue<string>() == "wangqiang");
    }

    [Fact]
    public async Task NoticeReachesAWeComMemberAndAcknowledgementUpdatesTheCard()
    {
        var (channel, _) = await StartAsync();
        await using var _channel = channel;
        var admin = channel.App.AdminClient();
        var posted = await admin.PostAsJsonAsync("/api/admin/notices",
            new { title = "关于开展党风廉政约谈的通知", body = "各单位须于12月15日前完成约谈。", audience = new { all = true }, requireAck = true });
        Assert.Equal(HttpStatusCode.Accepted, posted.StatusCode);
        var id = (await posted.Content.ReadFromJsonAsync<JsonObject>())!["id"]!.GetValue<int>();

        JsonObject? card = null;
        for (var i = 0; i < 200 && card is null; i++)
        {
            card = channel.Server.Sends.Where(c => c.Body?["touser"]?.GetValue<string>() == "chenchen")
                .Select(c => c.Body!["template_card"] as JsonObject).LastOrDefault(c => c is not null && Text(c).Contains("党风廉政约谈的通知"));
            if (card is null)
                await Task.Delay(50);
        }
        Assert.NotNull(card);

        var calls = await channel.ClickAsync("chenchen", card["task_id"]!.GetValue<string>(), Button(card, "已阅")["key"]!.GetValue<string>(), "rc-ack");

        var update = Assert.Single(calls, c => c.Path == "message/update_template_card");
        Assert.Equal("rc-ack", update.Body!["response_code"]!.GetValue<string>());
        Assert.Contains("已阅", Text(update.Body));
        var status = (await admin.GetFromJsonAsync<JsonObject>($"/api/admin/notices/{id}"))!;
        Assert.Equal(1, status["acked"]!.GetValue<int>());
    }

    [Fact]
    public async Task QuestionFromAWeComMemberIsAnsweredWithTheCitedArticleAndARelatedArticleOpens()
    {
        var (channel, _) = await StartAsync();
        await using var _channel = channel;

        var calls = await channel.SendTextAsync("chenchen", "谈话记录表保存期限是几年");

        var answer = Assert.Single(calls, c => c.Path == "message/send" && c.Body?["template_card"] is not null);
        var card = answer.Body!["template_card"]!.AsObject();
        Assert.Contains("第", card["main_title"]!["title"]!.GetValue<string>());
        Assert.Contains("示例", Text(card));
        var related = card["button_list"]!.AsArray().Select(b => b!.AsObject()).First(b => b["key"]!.GetValue<string>().StartsWith("j:"));

        var opened = await channel.ClickAsync("chenchen", card["task_id"]!.GetValue<string>(), related["key"]!.GetValue<string>(), "rc-article");

        Assert.Contains(opened, c => c.Path == "message/update_template_card" || c.Path == "message/send");
    }
}
