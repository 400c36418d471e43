using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Bot.App.Notices;
using ClosedXML.Excel;
using static Bot.Tests.Notices.NoticeTestKit;

namespace Bot.Tests.Notices;

public sealed class NoticeApiTests
{
    [Fact]
    public async Task RestWithoutKeyIsRefused()
    {
        using var app = new BotApp();
        var response = await app.CreateClient().PostAsJsonAsync("/api/admin/notices", new { title = "t", body = "b", audience = new { all = true } });
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await app.CreateClient().GetAsync("/api/admin/notices/1")).StatusCode);
    }

    [Fact]
    public async Task OpenApiDocumentsTheNoticeEndpoints()
    {
        using var app = new BotApp();
        var doc = await app.CreateClient().GetStringAsync("/openapi/v1.json");
        foreach (var path in new[] { "/api/admin/notices", "/api/admin/notices/{id}", "/api/admin/notices/{id}/cancel", "/api/admin/notices/{id}/renotify",
                     "/api/admin/notices/{id}/withdraw", "/api/admin/notices/{id}/recipients" })
            Assert.Contains($"\"{path}\"", doc);
    }

    [Fact]
    public async Task EveryoneAudienceReachesEveryChatAndCountsDirectoryPeopleWithoutOneAsNotInstalled()
    {
        using var app = new BotApp(config: AdminAlex);
        await SeedDirectoryAsync(app);
        await app.SendAsync(TestUser.Megan.Install()); // not in the directory, still reachable
        var admin = app.AdminClient();

        var id = await PostNoticeAsync(admin, new { title = "全体通知", body = "各单位须于12月15日前完成约谈。", audience = new { all = true } });
        var status = await WaitUntilAsync(admin, id, Finished);

        Assert.Equal(5, Int(status, "total"));
        Assert.Equal(4, Int(status, "sent"));
        Assert.Equal(1, Int(status, "notInstalled"));
        Assert.Equal(Int(status, "total"), Int(status, "sent") + Int(status, "failed") + Int(status, "blocked") + Int(status, "notInstalled")
                                            + Int(status, "inDoubt") + Int(status, "pending"));
        Assert.Single(NoticePosts(app, TestUser.Megan.ConversationId, "全体通知"));
        Assert.Single(NoticePosts(app, User(1).ConversationId, "全体通知"));
        var csv = Encoding.UTF8.GetString(await admin.GetByteArrayAsync($"/api/admin/notices/{id}/recipients?format=csv"));
        Assert.Contains("孙磊,县委组织部/干部科,未安装,未安装机器人", csv);
    }

    [Fact]
    public async Task UnitAudienceIncludesSubUnitsAndRoleAudienceFiltersByRole()
    {
        using var app = new BotApp(config: AdminAlex);
        await SeedDirectoryAsync(app);
        var admin = app.AdminClient();

        var sub = await PostNoticeAsync(admin, new { title = "干部科通知", body = "b", audience = new { units = new[] { "县委组织部/干部科" } } });
        var all = await PostNoticeAsync(admin, new { title = "部机关通知", body = "b", audience = new { units = new[] { "县委组织部" } } });
        var leaders = await PostNoticeAsync(admin, new { title = "领导通知", body = "b", audience = new { roles = new[] { "领导" } } });

        Assert.Equal(2, Int(await WaitUntilAsync(admin, sub, Finished), "total"));     // 陈晨 + 孙磊 (not installed)
        Assert.Equal(4, Int(await WaitUntilAsync(admin, all, Finished), "total"));
        var leaderStatus = await WaitUntilAsync(admin, leaders, Finished);
        Assert.Equal(1, Int(leaderStatus, "sent"));
        Assert.Single(NoticePosts(app, User(1).ConversationId, "领导通知"));
        Assert.Empty(NoticePosts(app, User(2).ConversationId, "领导通知"));
    }

    [Fact]
    public async Task BadRequestsGetClearMessagesAndLeaveNothingBehind()
    {
        using var app = new BotApp(config: AdminAlex);
        await SeedDirectoryAsync(app);
        var admin = app.AdminClient();

        var campaign = await admin.PostAsJsonAsync("/api/admin/notices", new { title = "t", body = "b", audience = new { campaignId = 7, notCompleted = true } });
        var unknownUnit = await admin.PostAsJsonAsync("/api/admin/notices", new { title = "t", body = "b", audience = new { units = new[] { "不存在" } } });
        var twoKinds = await admin.PostAsJsonAsync("/api/admin/notices", new { title = "t", body = "b", audience = new { all = true, roles = new[] { "领导" } } });
        var noTitle = await admin.PostAsJsonAsync("/api/admin/notices", new { body = "b", audience = new { all = true } });

        Assert.Equal(HttpStatusCode.UnprocessableEntity, campaign.StatusCode);
        Assert.Contains("未找到约谈任务", await campaign.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.UnprocessableEntity, unknownUnit.StatusCode);
        Assert.Contains("未找到单位", await unknownUnit.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.BadRequest, twoKinds.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, noTitle.StatusCode);
        Assert.Equal(0, app.WithDb(db => db.Set<Notice>().Count()));
    }

    [Fact]
    public async Task CampaignAudienceReachesLeadersWhoHaveNotReported()
    {
        using var app = new BotApp(config: AdminAlex);
        await SeedDirectoryAsync(app);
        app.WithDb(db =>
        {
            // 王强 分管 干部科, so his assignment is to talk with its people.
            var leader = db.Set<Bot.App.Org.Person>().Single(p => p.Name == "王强");
            var cadre = db.Set<Bot.App.Org.OrgUnit>().Single(u => u.Path == "县委组织部/干部科");
            db.Add(new Bot.App.Org.UnitCharge { PersonId = leader.Id, UnitId = cadre.Id });
            return db.SaveChanges();
        });
        var admin = app.AdminClient();
        var created = await admin.PostAsJsonAsync("/api/admin/campaigns",
            new { title = "年终廉政约谈", kind = "廉政谈话", deadline = "2099-12-15", scope = new { all = true }, cascadeDepth = 0 });
        Assert.True(created.StatusCode == HttpStatusCode.Created, await created.Content.ReadAsStringAsync());
        var campaignId = (await created.Content.ReadFromJsonAsync<JsonObject>())!["id"]!.GetValue<int>();

        var id = await PostNoticeAsync(admin, new { title = "请尽快完成约谈", body = "未完成的同志请于本周内完成。", audience = new { campaignId, notCompleted = true } });
        var status = await WaitUntilAsync(admin, id, s => s["pending"]!.GetValue<int>() == 0);

        Assert.Equal(1, status["total"]!.GetValue<int>());
        Assert.Single(NoticePosts(app, User(1).ConversationId, "请尽快完成约谈"));
        Assert.Empty(NoticePosts(app, User(2).ConversationId, "请尽快完成约谈"));
    }

    [Fact]
    public async Task CorrectionAndWithdrawalUpdateSentCardsInPlace()
    {
        using var app = new BotApp(config: AdminAlex);
        await SeedDirectoryAsync(app);
        var admin = app.AdminClient();
        var id = await PostNoticeAsync(admin, new { title = "原通知", body = "12月15日前完成", audience = new { all = true }, requireAck = true });
        await WaitUntilAsync(admin, id, Finished);

        var corrected = await admin.PutAsJsonAsync($"/api/admin/notices/{id}", new { body = "12月20日前完成" });
        Assert.Equal(HttpStatusCode.OK, corrected.StatusCode);
        await WaitForAsync(() => app.Connector.Puts.Count(p => Text(p.Body).Contains("12月20日前完成")) == 3);
        var sentIds = app.WithDb(db => db.Set<NoticeDelivery>().Where(d => d.NoticeId == id && d.ActivityId != null).Select(d => d.ActivityId!).ToList());
        Assert.All(app.Connector.Puts.Where(p => Text(p.Body).Contains("12月20日前完成")), p => Assert.Contains(sentIds, a => p.Path.EndsWith("/" + a)));
        Assert.Contains(app.Connector.Puts, p => Text(p.Body).Contains("已更正"));

        Assert.Equal(HttpStatusCode.OK, (await admin.PostAsync($"/api/admin/notices/{id}/withdraw", null)).StatusCode);
        await WaitForAsync(() => app.Connector.Puts.Count(p => Text(p.Body).Contains("本通知已撤回")) == 3);
        Assert.Equal("withdrawn", (await StatusAsync(admin, id))["status"]!.GetValue<string>());
    }

    [Fact]
    public async Task CancelStopsSendingWithinASecond()
    {
        var config = new Dictionary<string, string?>(AdminAlex) { ["Notices:TenantLimits:0:Count"] = "5", ["Notices:TenantLimits:0:Seconds"] = "1" };
        using var app = new BotApp(config: config);
        for (var i = 1; i <= 40; i++)
            await app.SendAsync(User(i).Install());
        var admin = app.AdminClient();
        var id = await PostNoticeAsync(admin, new { title = "将被取消", body = "b", audience = new { all = true } });
        await WaitUntilAsync(admin, id, s => Int(s, "sent") >= 3);

        var cancel = await admin.PostAsync($"/api/admin/notices/{id}/cancel", null);
        Assert.Equal(HttpStatusCode.OK, cancel.StatusCode);
        await Task.Delay(1000);
        var postsAfterOneSecond = app.Connector.Posts.Count(c => Text(c.Body).Contains("将被取消"));
        await Task.Delay(1500);

        Assert.Equal(postsAfterOneSecond, app.Connector.Posts.Count(c => Text(c.Body).Contains("将被取消")));
        var status = await StatusAsync(admin, id);
        Assert.Equal("cancelled", status["status"]!.GetValue<string>());
        // How many went out before the cancel depends on machine load; that some never went out is what matters.
        Assert.True(Int(status, "pending") > 0, status.ToJsonString());
        Assert.Equal(Int(status, "total"), Int(status, "sent") + Int(status, "pending"));
    }

    [Fact]
    public async Task BlockedThrottledAndTransientFailuresAreRecordedRetriedOrNot()
    {
        using var app = new BotApp(config: AdminAlex);
        for (var i = 1; i <= 3; i++)
            await app.SendAsync(User(i).Install());
        var calls = new Dictionary<string, int>();
        app.Connector.Respond = request =>
        {
            if (request.Method != HttpMethod.Post)
                return null;
            var path = request.RequestUri!.AbsolutePath;
            lock (calls)
                calls[path] = calls.GetValueOrDefault(path) + 1;
            if (path.Contains("user1"))
                return new HttpResponseMessage(HttpStatusCode.Forbidden) { Content = new StringContent("{\"error\":{\"code\":\"ConversationBlockedByUser\"}}") };
            if (path.Contains("user2") && calls[path] == 1)
                return new HttpResponseMessage(HttpStatusCode.TooManyRequests) { Headers = { RetryAfter = new System.Net.Http.Headers.RetryConditionHeaderValue(TimeSpan.FromMilliseconds(300)) } };
            if (path.Contains("user3") && calls[path] <= 2)
                return new HttpResponseMessage(HttpStatusCode.ServiceUnavailable);
            return null;
        };
        var admin = app.AdminClient();
        var id = await PostNoticeAsync(admin, new { title = "失败分类", body = "b", audience = new { all = true } });
        var status = await WaitUntilAsync(admin, id, Finished);

        Assert.Equal(1, Int(status, "blocked"));
        Assert.Equal(2, Int(status, "sent"));
        lock (calls)
        {
            Assert.Equal(1, calls.Single(c => c.Key.Contains("user1")).Value);  // 403 never retried
            Assert.Equal(2, calls.Single(c => c.Key.Contains("user2")).Value);  // 429 requeued after Retry-After
            Assert.Equal(3, calls.Single(c => c.Key.Contains("user3")).Value);  // 503 retried with backoff
        }
        var xlsx = await admin.GetByteArrayAsync($"/api/admin/notices/{id}/recipients?format=xlsx");
        using var book = new XLWorkbook(new MemoryStream(xlsx));
        var rows = book.Worksheet(1).RowsUsed().Select(r => r.Cell(3).GetString() + "|" + r.Cell(4).GetString()).ToList();
        Assert.Contains("被屏蔽|403 ConversationBlockedByUser", rows);
    }

    [Fact]
    public async Task ScheduledNoticeWaitsForItsTimeAndQuietHoursOnlyApplyToScheduledSends()
    {
        using var app = new BotApp(config: AdminAlex);
        await app.SendAsync(User(1).Install());
        var admin = app.AdminClient();
        var tomorrowLate = TimeZoneInfo.ConvertTime(DateTimeOffset.UtcNow, NoticeTime.Zone).Date.AddDays(1).AddHours(22);

        var id = await PostNoticeAsync(admin, new { title = "定时通知", body = "b", audience = new { all = true }, sendAt = tomorrowLate.ToString("yyyy-MM-ddTHH:mm") });
        var status = await StatusAsync(admin, id);

        Assert.Equal("scheduled", status["status"]!.GetValue<string>());
        Assert.Equal(1, Int(status, "pending"));
        var sendAt = status["sendAt"]!.GetValue<DateTimeOffset>();
        Assert.Equal(8, TimeZoneInfo.ConvertTime(sendAt, NoticeTime.Zone).Hour); // moved out of 21:00–08:00
        await Task.Delay(300);
        Assert.Empty(NoticePosts(app, User(1).ConversationId, "定时通知"));
    }

    private static async Task WaitForAsync(Func<bool> condition)
    {
        for (var i = 0; i < 200 && !condition(); i++)
            await Task.Delay(50);
        Assert.True(condition());
    }
}

public sealed class NoticeScheduleTests
{
    [Fact]
    public async Task ScheduledNoticeFiresThroughQuartzAtItsTime()
    {
        var config = new Dictionary<string, string?>(AdminAlex) { ["Notices:QuietStart"] = "00:00", ["Notices:QuietEnd"] = "00:00" };
        using var app = new BotApp(config: config);
        await app.SendAsync(User(1).Install());
        var admin = app.AdminClient();
        var at = DateTimeOffset.UtcNow.AddSeconds(2);

        var id = await PostNoticeAsync(admin, new { title = "两秒后", body = "b", audience = new { all = true }, sendAt = at.ToString("yyyy-MM-ddTHH:mm:ssZ") });
        Assert.Equal("scheduled", (await StatusAsync(admin, id))["status"]!.GetValue<string>());
        await WaitUntilAsync(admin, id, Finished);

        Assert.Single(NoticePosts(app, User(1).ConversationId, "两秒后"));
        Assert.True(DateTimeOffset.UtcNow >= at.AddSeconds(-1));
    }
}
