using System.Text.Json.Nodes;
using Bot.App.Notices;
using Bot.Protocol;
using static Bot.Tests.Notices.NoticeTestKit;

namespace Bot.Tests.Notices;

public sealed class NoticeChatTests
{
    [Fact]
    public async Task MemberSendingTheCommandIsPolitelyRefused()
    {
        using var app = new BotApp(config: AdminAlex);
        await app.SendAsync(TestUser.Megan.Install());
        await app.SendAsync(TestUser.Megan.Message("发通知"));

        var reply = app.Connector.Posts.Last();
        Assert.Contains("只有管理员", Text(reply.Body));
        Assert.DoesNotContain(app.Connector.Cards, c => Text(c).Contains("发送通知"));
    }

    [Fact]
    public async Task MemberCannotPressAdminButtons()
    {
        using var app = new BotApp(config: AdminAlex);
        await app.SendAsync(TestUser.Megan.Install());
        var response = await app.PostAsync(TestUser.Megan.Execute("notice.confirm", new JsonObject { ["verb"] = "notice.confirm", ["noticeId"] = "1" }, "card-1"));
        Assert.Contains("只有管理员", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task AdminComposesPreviewsConfirmsAndUserAcknowledgesOnce()
    {
        using var app = new BotApp(config: AdminAlex);
        var alex = TestUser.Alex;
        var user = User(1);
        await app.SendAsync(alex.Install());
        await app.SendAsync(user.Install());

        await app.SendAsync(alex.Message("发通知"));
        Assert.Contains(app.Connector.Cards, c => Text(c).Contains("发送通知") && Text(c).Contains("notice.preview"));

        var form = new JsonObject
        {
            ["verb"] = "notice.preview",
            ["title"] = "集体约谈后续工作",
            ["body"] = "各单位须于**12月15日前**完成党风廉政约谈并在机器人中填报。",
            ["links"] = "实施方案|https://example.gov.cn/plan",
            ["audienceKind"] = "all",
            ["requireAck"] = "true",
        };
        var preview = await (await app.PostAsync(alex.Execute("notice.preview", form, "compose-1"))).Content.ReadAsStringAsync();
        Assert.Contains("确认发送", preview);
        var noticeId = app.WithDb(db => db.Set<Notice>().Single().Id);
        Assert.Equal(NoticeStatus.Draft, app.WithDb(db => db.Set<Notice>().Single().Status));
        Assert.Contains(app.Connector.Cards, c => Text(c).Contains("集体约谈后续工作") && Text(c).Contains("实施方案")); // preview to the admin
        Assert.Empty(NoticePosts(app, user.ConversationId, "集体约谈后续工作"));

        var confirmed = await (await app.PostAsync(alex.Execute("notice.confirm", new JsonObject { ["verb"] = "notice.confirm", ["noticeId"] = noticeId.ToString() }, "confirm-1"))).Content.ReadAsStringAsync();
        Assert.Contains("通知报告", confirmed);
        var admin = app.AdminClient();
        await WaitUntilAsync(admin, noticeId, Finished);
        var card = NoticePosts(app, user.ConversationId, "集体约谈后续工作").Single();
        Assert.Contains("notice.ack", Text(card));
        var activityId = app.WithDb(db => db.Set<NoticeDelivery>().Single(d => d.ConversationId == user.ConversationId).ActivityId!);

        var ackData = new JsonObject { ["verb"] = "notice.ack", ["noticeId"] = noticeId.ToString() };
        var first = JsonNode.Parse(await (await app.PostAsync(user.Execute("notice.ack", ackData, activityId))).Content.ReadAsStringAsync())!;
        var second = JsonNode.Parse(await (await app.PostAsync(user.Execute("notice.ack", ackData.DeepClone().AsObject(), activityId))).Content.ReadAsStringAsync())!;
        await app.SendAsync(user.Submit(ackData.DeepClone().AsObject(), activityId)); // Action.Submit fallback

        Assert.Contains("已阅 ✓ ", Text(first));
        Assert.DoesNotContain("notice.ack", Text(first["value"]));
        Assert.Equal(Text(first["value"]), Text(second["value"])); // same stamp: one acknowledgement
        Assert.Equal(1, Int(await StatusAsync(admin, noticeId), "acked"));
        Assert.Contains(app.Connector.Puts, p => p.Path.EndsWith("/" + activityId) && Text(p.Body).Contains("已阅 ✓"));

        await app.SendAsync(alex.Message("通知报告"));
        var report = Text(app.Connector.Cards.Last());
        Assert.Contains("1 / 2", report); // Alex (admin, installed) has not acknowledged; the user has
        Assert.Contains("再次提醒未阅人员", report);
    }

    [Fact]
    public async Task RenotifyReachesOnlyThoseWhoHaveNotAcknowledged()
    {
        using var app = new BotApp(config: AdminAlex);
        await app.SendAsync(User(1).Install());
        await app.SendAsync(User(2).Install());
        var admin = app.AdminClient();
        var id = await PostNoticeAsync(admin, new { title = "请确认", body = "b", audience = new { all = true }, requireAck = true });
        await WaitUntilAsync(admin, id, Finished);
        var activityId = app.WithDb(db => db.Set<NoticeDelivery>().Single(d => d.ConversationId == User(1).ConversationId).ActivityId!);
        await app.PostAsync(User(1).Execute("notice.ack", new JsonObject { ["verb"] = "notice.ack", ["noticeId"] = id.ToString() }, activityId));

        var renotify = JsonNode.Parse(await (await admin.PostAsync($"/api/admin/notices/{id}/renotify", null)).Content.ReadAsStringAsync())!;
        Assert.Equal(1, renotify["renotified"]!.GetValue<int>());
        await WaitUntilAsync(admin, id, Finished);

        Assert.Single(NoticePosts(app, User(1).ConversationId, "请确认"));
        var reminders = NoticePosts(app, User(2).ConversationId, "请确认");
        Assert.Equal(2, reminders.Count);
        Assert.Contains("再次提醒", Text(reminders[1]));
    }

    [Fact]
    public async Task InvalidComposeInputReturnsTheFormWithAMessage()
    {
        using var app = new BotApp(config: AdminAlex);
        await app.SendAsync(TestUser.Alex.Install());
        var form = new JsonObject { ["verb"] = "notice.preview", ["title"] = "t", ["body"] = "b", ["audienceKind"] = "units", ["units"] = "不存在的单位" };

        var response = await (await app.PostAsync(TestUser.Alex.Execute("notice.preview", form, "compose-1"))).Content.ReadAsStringAsync();

        Assert.Contains("未找到单位", JsonNode.Parse(response)!.ToJsonString(ProtocolJson.Options));
        Assert.Equal(0, app.WithDb(db => db.Set<Notice>().Count()));
    }
}
