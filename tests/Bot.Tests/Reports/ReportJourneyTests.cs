using System.Net;
using System.Text.Json.Nodes;
using Bot.App.Identity;
using Bot.App.Reports;
using Bot.App.Talks;
using Bot.Tests.Talks;
using ClosedXML.Excel;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Time.Testing;

namespace Bot.Tests.Reports;

/// <summary>Several users through /api/messages with signed tokens, against the fake Connector.</summary>
public sealed class ReportJourneyTests
{
    // Monday 2026-11-16 10:00 Asia/Shanghai.
    private static FakeTimeProvider NewClock() => new(new DateTimeOffset(2026, 11, 16, 10, 0, 0, TimeSpan.FromHours(8)));

    private static async Task<JsonObject> InvokeAsync(BotApp app, JsonObject activity)
    {
        var response = await app.PostAsync(activity);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsObject();
        await app.IdleAsync();
        return body;
    }

    private static JsonObject Report(int assignmentId, string targets, string topics = "0,1,2,3,4,5", string summary = "传达会议精神，逐一提出廉政要求。", string date = "2026-11-16") => new()
    {
        ["verb"] = "report.submit", ["assignmentId"] = assignmentId, ["talkDate"] = date, ["form"] = "集体",
        ["targets"] = targets, ["topics"] = topics, ["summary"] = summary,
    };

    private static (BotApp App, TalkWorld World, FakeTimeProvider Clock) Start()
    {
        var clock = NewClock();
        var app = new BotApp(clock);
        return (app, TalkWorld.Seed(app), clock);
    }

    private static int AssignmentOf(BotApp app, TalkWorld world, string leader) =>
        app.WithDb(db => db.Set<Assignment>().Single(a => a.LeaderId == world.People[leader]).Id);

    private static string TargetsOf(BotApp app, int assignmentId) =>
        app.WithDb(db => string.Join(",", db.Set<Assignment>().Single(a => a.Id == assignmentId).Targets.Select(t => t.PersonId)));

    [Fact]
    public async Task AdminLaunchesInChatLeaderReportsEscalationReachesSupervisorAndTamperingIsRefused()
    {
        var (app, world, clock) = Start();
        using var _ = app;
        await world.InstallAsync(app, TalkWorld.Admin, TalkWorld.Wang, TalkWorld.Zhao, TalkWorld.Zhang, TalkWorld.Chen);

        // A member cannot launch; the admin gets the form and launches from it.
        await app.SendAsync(TalkWorld.Chen.Message("发起约谈"));
        Assert.Contains("只有管理员", TalkWorld.Text(app.Connector.Calls.Last().Body));
        await app.SendAsync(TalkWorld.Admin.Message("发起约谈"));
        Assert.Contains("发起约谈任务", TalkWorld.Text(app.Connector.Cards.Last()));
        var launched = await InvokeAsync(app, TalkWorld.Admin.Execute("campaign.create", new JsonObject
        {
            ["verb"] = "campaign.create", ["title"] = "冬季廉政约谈", ["kind"] = "集体约谈", ["deadline"] = "2026-11-20",
            ["scope"] = "leaders", ["scopeItems"] = "wangqiang@demo.gov.cn、zhaoli@demo.gov.cn", ["topics"] = "0,1,2,3,4,5", ["cascadeDepth"] = "1",
        }, "form-1"));
        var launchedText = TalkWorld.Text(launched);
        Assert.Contains("已发起：冬季廉政约谈", launchedText);
        // 刘洋/孙伟/周敏 got cascade assignments but never installed the bot: the admin hears it at once.
        Assert.Contains("刘洋", launchedText);
        Assert.Contains("尚未与机器人建立会话", launchedText);
        Assert.DoesNotContain("\"王强\"", launchedText);

        var wangAssignment = AssignmentOf(app, world, "王强");
        var zhaoAssignment = AssignmentOf(app, world, "赵丽");
        Assert.Equal(wangAssignment, app.WithDb(db => db.Set<Assignment>().Single(a => a.LeaderId == world.People["刘洋"]).ParentAssignmentId));

        await TalkWorld.TickAsync(app);
        var wangCard = app.Connector.Calls.Last(c => c.Path.Contains("wangqiang", StringComparison.Ordinal));
        Assert.Contains("刘洋（干部科）", TalkWorld.Text(wangCard.Body));
        Assert.Contains("填报完成情况", TalkWorld.Text(wangCard.Body));

        // 赵丽 tampers with the payload: a report for 王强's assignment. Refused, nothing stored, audited.
        var tampered = await InvokeAsync(app, TalkWorld.Zhao.Execute("report.submit", Report(wangAssignment, TargetsOf(app, wangAssignment)), "card-z"));
        Assert.Contains("不是您的约谈任务", TalkWorld.Text(tampered));
        var unknown = await InvokeAsync(app, TalkWorld.Zhao.Execute("report.submit", Report(99999, "1"), "card-z"));
        Assert.Contains("未找到这项约谈任务", TalkWorld.Text(unknown));
        Assert.Equal(0, app.WithDb(db => db.Set<TalkReport>().Count()));
        Assert.Equal(2, app.WithDb(db => db.Set<AuditEntry>().Count(e => e.Action == "report.refused")));

        // The member cannot read progress of the campaign either: he has no assignment.
        await app.SendAsync(TalkWorld.Chen.Message("进度"));
        Assert.Contains("没有约谈任务", TalkWorld.Text(app.Connector.Calls.Last().Body));

        // Three overdue workdays later (11/23, 11/24, 11/25) the supervisor is told about 王强.
        clock.SetUtcNow(new DateTimeOffset(2026, 11, 25, 9, 0, 0, TimeSpan.FromHours(8)));
        await TalkWorld.TickAsync(app);
        var toSupervisor = app.Connector.Calls.Where(c => c.Path.Contains("a%3Azhang", StringComparison.Ordinal)).Select(c => TalkWorld.Text(c.Body)).ToList();
        Assert.Contains(toSupervisor, t => t.Contains("督办：王强逾期未完成约谈"));
        Assert.Contains(toSupervisor, t => t.Contains("督办：赵丽逾期未完成约谈"));

        // 王强 reports through the card: the receipt replaces it in place.
        var puts = app.Connector.Puts.Count();
        var receipt = await InvokeAsync(app, TalkWorld.Wang.Execute("report.submit", Report(wangAssignment, TargetsOf(app, wangAssignment), date: "2026-11-24"), wangCard.Body!["id"]?.GetValue<string>() ?? "card-w"));
        Assert.Contains("已收到约谈完成情况", TalkWorld.Text(receipt));
        Assert.Equal(puts + 1, app.Connector.Puts.Count());
        Assert.Equal(AssignmentStatus.Reported, app.WithDb(db => db.Set<Assignment>().Single(a => a.Id == wangAssignment).Status));
        Assert.Contains(app.WithDb(db => db.Set<AuditEntry>().Select(e => e.Action).ToList()), a => a == "report.submit");

        // Admin progress: the tree with per-unit completion, overdue list, and the chart as its own image.
        await app.SendAsync(TalkWorld.Admin.Message("进度"));
        var adminCalls = app.Connector.Calls.Where(c => c.Path.Contains("a%3Alimin", StringComparison.Ordinal)).ToList();
        var progress = TalkWorld.Text(adminCalls[^2].Body);
        Assert.True(progress.Contains("已完成 1/4"), progress); // 周敏 has nobody to talk with: no cascade assignment
        Assert.Contains("逾期未完成", progress);
        Assert.Contains("赵丽", progress);
        var image = adminCalls[^1].Body!["attachments"]![0]!;
        Assert.Equal("image/png", image["contentType"]!.GetValue<string>());
        Assert.StartsWith("data:image/png;base64,iVBORw0KGgo", image["contentUrl"]!.GetValue<string>());

        // A leader sees only their own subtree.
        await app.SendAsync(TalkWorld.Wang.Message("进度"));
        var wangProgress = TalkWorld.Text(app.Connector.Calls.Last().Body);
        Assert.Contains("刘洋", wangProgress);
        Assert.DoesNotContain("赵丽", wangProgress);
        Assert.DoesNotContain("周敏", wangProgress);
    }

    [Fact]
    public async Task InvalidReportComesBackOnTheSameCardInChineseAndStoresNothing()
    {
        var (app, world, _) = Start();
        using var __ = app;
        await world.InstallAsync(app, TalkWorld.Wang);
        await TalkWorld.CreateCampaignAsync(app, "2026-11-30", new { leaders = new[] { "wangqiang@demo.gov.cn" } });
        var id = AssignmentOf(app, world, "王强");

        var form = await InvokeAsync(app, TalkWorld.Wang.Execute("report.open", new JsonObject { ["verb"] = "report.open", ["assignmentId"] = id }, "c1"));
        Assert.Contains("填报约谈完成情况", TalkWorld.Text(form));

        var bad = Report(id, "999", summary: new string('廉', 501), date: "2026-12-01");
        bad["form"] = "";
        var answer = TalkWorld.Text(await InvokeAsync(app, TalkWorld.Wang.Execute("report.submit", bad, "c1")));
        Assert.Contains("约谈日期不能晚于今天", answer);
        Assert.Contains("请选择约谈形式", answer);
        Assert.Contains("所选约谈对象不在本任务范围内", answer);
        Assert.Contains("不能超过 500 字（当前 501 字）", answer);
        Assert.Contains("填报约谈完成情况", answer); // still the form, with the input kept
        Assert.Equal(0, app.WithDb(db => db.Set<TalkReport>().Count()));

        // Few topics: accepted, but flagged on the receipt.
        var ok = TalkWorld.Text(await InvokeAsync(app, TalkWorld.Wang.Execute("report.submit", Report(id, TargetsOf(app, id), topics: "0"), "c1")));
        Assert.Contains("谈业务多、谈廉政少", ok);
        Assert.True(app.WithDb(db => db.Set<TalkReport>().Single().FewTopics));

        // Editing before the deadline keeps the history.
        var edited = TalkWorld.Text(await InvokeAsync(app, TalkWorld.Wang.Execute("report.submit", Report(id, TargetsOf(app, id)), "c1")));
        Assert.Contains("第 2 版", edited);
        Assert.Equal(1, app.WithDb(db => db.Set<TalkReportRevision>().Count()));
        Assert.Equal(AssignmentStatus.Edited, app.WithDb(db => db.Set<Assignment>().Single().Status));
    }

    [Fact]
    public async Task OneLinerBecomesDraftFormAndDialogPathStoresReport()
    {
        var (app, world, _) = Start();
        using var __ = app;
        await world.InstallAsync(app, TalkWorld.Wang, TalkWorld.Zhao);
        await TalkWorld.CreateCampaignAsync(app, "2026-11-30", new { leaders = new[] { "wangqiang@demo.gov.cn", "zhaoli@demo.gov.cn" } });

        await app.SendAsync(TalkWorld.Wang.Message("已完成 上周五 与干部科、组织科集体谈话"));
        var draft = TalkWorld.Text(app.Connector.Cards.Last());
        Assert.Contains("草稿", draft);
        Assert.Contains("2026-11-13", draft);
        Assert.Contains("\"value\":\"集体\"", draft);
        var targets = TargetsOf(app, AssignmentOf(app, world, "王强"));
        Assert.Contains($"\"value\":\"{targets}\"", draft);

        foreach (var text in new[] { "填报", "昨天", "个别", "1", "全部", "与周敏谈了人才工作中的廉洁风险。", "无" })
            await app.SendAsync(TalkWorld.Zhao.Message(text));
        var report = app.WithDb(db => db.Set<TalkReport>().Single());
        Assert.Equal(new DateOnly(2026, 11, 15), report.TalkDate);
        Assert.Equal("个别", report.Form);
        Assert.Equal("周敏", Assert.Single(report.Covered).Name);
        Assert.Equal(6, report.Topics.Count);
        Assert.Contains("已收到约谈完成情况", TalkWorld.Text(app.Connector.Cards.Last()));
    }

    [Fact]
    public async Task ExtensionRequestGoesToAdminAndLeaderIsTold()
    {
        var (app, world, _) = Start();
        using var __ = app;
        await world.InstallAsync(app, TalkWorld.Admin, TalkWorld.Wang);
        await TalkWorld.CreateCampaignAsync(app, "2026-11-20", new { leaders = new[] { "wangqiang@demo.gov.cn" } });
        var id = AssignmentOf(app, world, "王强");

        var missing = TalkWorld.Text(await InvokeAsync(app, TalkWorld.Wang.Execute("talk.extend.submit",
            new JsonObject { ["verb"] = "talk.extend.submit", ["assignmentId"] = id, ["newDeadline"] = "2026-11-27", ["reason"] = "" }, "c1")));
        Assert.Contains("请填写延期原因", missing);
        await InvokeAsync(app, TalkWorld.Wang.Execute("talk.extend.submit",
            new JsonObject { ["verb"] = "talk.extend.submit", ["assignmentId"] = id, ["newDeadline"] = "2026-11-27", ["reason"] = "下乡督导" }, "c1"));
        var review = app.Connector.Cards.Last(c => TalkWorld.Text(c).Contains("延期申请：王强"));
        var requestId = app.WithDb(db => db.Set<ExtensionRequest>().Single().Id);

        var denied = TalkWorld.Text(await InvokeAsync(app, TalkWorld.Wang.Execute("talk.extend.decide",
            new JsonObject { ["verb"] = "talk.extend.decide", ["requestId"] = requestId, ["decision"] = "grant" }, "r1")));
        Assert.Contains("只有管理员", denied);
        var decided = TalkWorld.Text(await InvokeAsync(app, TalkWorld.Admin.Execute("talk.extend.decide",
            new JsonObject { ["verb"] = "talk.extend.decide", ["requestId"] = requestId, ["decision"] = "grant" }, "r1")));
        Assert.Contains("已同意", decided);
        Assert.Contains(app.Connector.Calls, c => c.Path.Contains("wangqiang", StringComparison.Ordinal) && TalkWorld.Text(c.Body).Contains("延期申请已同意"));
        Assert.Equal(new DateOnly(2026, 11, 27), app.WithDb(db => db.Set<Assignment>().Single().Deadline));
        Assert.NotNull(review);
    }

    [Fact]
    public async Task ExportsCsvAndXlsxOverRestAndSignedLink()
    {
        var (app, world, _) = Start();
        using var __ = app;
        await world.InstallAsync(app, TalkWorld.Admin, TalkWorld.Wang);
        var campaign = await TalkWorld.CreateCampaignAsync(app, "2026-11-30", new { all = true });
        var id = AssignmentOf(app, world, "王强");
        await InvokeAsync(app, TalkWorld.Wang.Execute("report.submit", Report(id, TargetsOf(app, id), summary: "谈话要点：\"守纪律\"，讲规矩"), "c1"));
        var admin = app.AdminClient();

        var csvBytes = await admin.GetByteArrayAsync($"/api/admin/campaigns/{campaign}/reports?format=csv");
        Assert.Equal([0xEF, 0xBB, 0xBF], csvBytes[..3]);
        var lines = System.Text.Encoding.UTF8.GetString(csvBytes[3..]).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.StartsWith("任务,责任领导,单位,层级,状态", lines[0]);
        var wangLine = Assert.Single(lines, l => l.Contains(",王强,", StringComparison.Ordinal));
        Assert.Contains("\"谈话要点：\"\"守纪律\"\"，讲规矩\"", wangLine);
        Assert.Contains("已填报", wangLine);
        Assert.Equal(1 + app.WithDb(db => db.Set<Assignment>().Count()), lines.Length);

        var xlsx = await admin.GetByteArrayAsync($"/api/admin/campaigns/{campaign}/reports?format=xlsx");
        using (var book = new XLWorkbook(new MemoryStream(xlsx)))
        {
            var sheet = book.Worksheet(1);
            Assert.Equal("责任领导", sheet.Cell(1, 2).GetString());
            var row = sheet.RowsUsed().Single(r => r.Cell(2).GetString() == "王强");
            Assert.Equal("2026-11-16", row.Cell(7).GetString());
            Assert.Equal("6/6", row.Cell(11).GetString());
        }

        var progress = JsonNode.Parse(await admin.GetStringAsync($"/api/admin/campaigns/{campaign}/progress"))!;
        Assert.Equal(1, progress["done"]!.GetValue<int>());
        Assert.Contains(progress["units"]!.AsArray(), u => u!["unit"]!.GetValue<string>() == "县委组织部");
        Assert.Equal(HttpStatusCode.UnprocessableEntity, (await admin.PostAsJsonAsyncText("/api/admin/campaigns", "{\"title\":\"\",\"kind\":\"座谈\",\"deadline\":\"2026-13-01\",\"scope\":{\"all\":true}}")).StatusCode);

        // In chat: a signed, short-lived link served by the bot; tampering or expiry is refused.
        await app.SendAsync(TalkWorld.Admin.Message("导出"));
        var link = app.Connector.Cards.Select(TalkWorld.Text).Last(t => t.Contains("/api/talks/export/", StringComparison.Ordinal));
        var url = new Uri(System.Text.RegularExpressions.Regex.Match(link, "http://localhost:3978(/api/talks/export/[^\"]+csv[^\"]*)").Groups[1].Value.Replace("\\u0026", "&", StringComparison.Ordinal), UriKind.Relative);
        var anonymous = app.CreateClient();
        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync(url)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await anonymous.GetAsync(url.ToString().Replace("sig=", "sig=0", StringComparison.Ordinal))).StatusCode);
        app.Clock!.Advance(TimeSpan.FromHours(1));
        Assert.Equal(HttpStatusCode.Forbidden, (await anonymous.GetAsync(url)).StatusCode);
        Assert.True(app.WithDb(db => db.Set<AuditEntry>().Count(e => e.Action == "report.export")) >= 3);
    }

    [Fact]
    public void ChartIsAPngWithCjkFont()
    {
        var progress = new CampaignProgress(1, "冬季廉政约谈", "集体约谈", "2026-11-30", 2, 5,
            [new UnitProgress("县委组织部", 1, 2), new UnitProgress("县委组织部/干部科", 1, 3)], []);
        var png = ProgressChart.Render(progress);
        Assert.Equal([0x89, 0x50, 0x4E, 0x47], png[..4]);
        Assert.True(png.Length > 5_000);
        Assert.Contains(SkiaSharp.SKFontManager.Default.FontFamilies, f => f == ProgressChart.Font);
    }
}

internal static class HttpTextExtensions
{
    public static Task<HttpResponseMessage> PostAsJsonAsyncText(this HttpClient client, string url, string json) =>
        client.PostAsync(url, new StringContent(json, System.Text.Encoding.UTF8, "application/json"));
}
