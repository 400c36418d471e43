using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Bot.App.Conversations;
using Bot.App.Identity;
using Bot.App.Org;
using Bot.Protocol;
using Microsoft.EntityFrameworkCore;
using static Bot.Tests.Org.DirectoryImportTests;

namespace Bot.Tests.Org;

public sealed class DirectoryChatAndApiTests
{
    private static readonly TestUser Wang = new("29:wang", "王强", "00000000-0000-0000-0000-00000000b001", "a:wang-personal");
    private static readonly TestUser Chen = new("29:chen", "陈晨", "00000000-0000-0000-0000-00000000c001", "a:chen-personal");

    private static List<string> Texts(BotApp app) =>
        app.Connector.Posts.Select(c => c.Body?["text"]?.GetValue<string>()).OfType<string>().ToList();

    private static BotApp WithBootstrapAdmin() => new(config: new Dictionary<string, string?> { ["Bot:Admins:0"] = TestUser.Alex.AadObjectId });

    [Fact]
    public async Task RestImportReturns200WithReportForGbkCsv()
    {
        using var app = new BotApp();
        Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);
        var content = new ByteArrayContent(Encoding.GetEncoding("GBK").GetBytes(SmallDirectory));
        content.Headers.ContentType = MediaTypeHeaderValue.Parse("text/csv; charset=gbk");

        var response = await app.AdminClient().PostAsync("/api/admin/directory/import", content);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.True(body["applied"]!.GetValue<bool>());
        Assert.Equal(3, body["created"]!.GetValue<int>());
        Assert.Contains("名单导入成功", body["summary"]!.GetValue<string>());
        var audit = app.WithDb(db => db.Set<AuditEntry>().Single());
        Assert.Equal(("apikey:test", "directory.import"), (audit.Actor, audit.Action));

        var people = JsonNode.Parse(await app.AdminClient().GetStringAsync("/api/admin/directory/people"))!.AsArray();
        var wang = people.Single(p => p!["name"]!.GetValue<string>() == "王强")!;
        Assert.Equal("张部长", wang["supervisor"]!.GetValue<string>());
        Assert.Equal(2, wang["chargedUnits"]!.AsArray().Count);
        Assert.Equal("领导", wang["roles"]![0]!.GetValue<string>());
    }

    [Fact]
    public async Task RestImportReturns422WithRowReportAndXlsxIsAcceptedToo()
    {
        using var app = new BotApp();
        var broken = new StringContent(SmallDirectory + "李四,科员,县委组织部,成员,,,bad-guid,lisi@demo.gov.cn,,\n", Encoding.UTF8, "text/csv");

        var rejected = await app.AdminClient().PostAsync("/api/admin/directory/import", broken);

        Assert.Equal(HttpStatusCode.UnprocessableEntity, rejected.StatusCode);
        var problem = JsonNode.Parse(await rejected.Content.ReadAsStringAsync())!["problems"]![0]!;
        Assert.Equal(5, problem["row"]!.GetValue<int>());
        Assert.Equal("Entra对象ID", problem["column"]!.GetValue<string>());
        Assert.Equal(0, app.WithDb(db => db.Set<Person>().Count()));

        var xlsx = new ByteArrayContent(DirectoryFile.ToXlsx(DirectoryFile.ReadText(SmallDirectory) is var t
            ? [t.Header, .. t.Rows.Select(r => (IReadOnlyList<string>)r.Cells)] : []));
        xlsx.Headers.ContentType = new MediaTypeHeaderValue(DirectoryFile.XlsxContentType);
        Assert.Equal(HttpStatusCode.OK, (await app.AdminClient().PostAsync("/api/admin/directory/import", xlsx)).StatusCode);
        Assert.Equal(3, app.WithDb(db => db.Set<Person>().Count()));
    }

    [Fact]
    public async Task RestDirectoryEndpointsNeedTheAdminKey()
    {
        using var app = new BotApp();
        var client = app.CreateClient();

        Assert.Equal(HttpStatusCode.Unauthorized, (await client.PostAsync("/api/admin/directory/import", new StringContent(SmallDirectory, Encoding.UTF8, "text/csv"))).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync("/api/admin/directory/people")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync("/api/admin/directory/template")).StatusCode);
        Assert.Equal(0, app.WithDb(db => db.Set<Person>().Count()));
    }

    [Fact]
    public async Task TemplatesDownloadAsCsvWithBomAndAsXlsx()
    {
        using var app = new BotApp();
        var csv = await app.AdminClient().GetAsync("/api/admin/directory/template?format=csv");
        var xlsx = await app.AdminClient().GetAsync("/api/admin/directory/template?format=xlsx");

        var csvBytes = await csv.Content.ReadAsByteArrayAsync();
        Assert.Equal([0xEF, 0xBB, 0xBF], csvBytes[..3]);
        Assert.StartsWith("姓名,职务,单位,角色,分管单位,上级领导,Entra对象ID,邮箱,手机,企业微信账号", Encoding.UTF8.GetString(csvBytes[3..]));
        Assert.Equal(DirectoryFile.XlsxContentType, xlsx.Content.Headers.ContentType!.MediaType);
        Assert.Equal(DirectoryFile.Columns, DirectoryFile.Read(await xlsx.Content.ReadAsByteArrayAsync()).Header);
        Assert.Equal(HttpStatusCode.BadRequest, (await app.AdminClient().GetAsync("/api/admin/directory/template?format=pdf")).StatusCode);
    }

    [Fact]
    public async Task AdminPastesCsvInChatAndGetsTheReport()
    {
        using var app = WithBootstrapAdmin();

        await app.SendAsync(TestUser.Alex.Message("导入名单\n" + SmallDirectory));
        await app.SendAsync(TestUser.Alex.Message(Header.Replace(',', '\t') + "\n孙伟\t科长\t县委组织部/组织科\t领导\t\t\t\tsunwei@demo.gov.cn\t\t"));

        var texts = Texts(app);
        Assert.Contains(texts, t => t.Contains("名单导入成功：共 3 行，新增 3 人"));
        Assert.Contains(texts, t => t.Contains("名单导入成功：共 1 行，新增 1 人"));
        Assert.Equal(4, app.WithDb(db => db.Set<Person>().Count()));
        Assert.Contains(app.WithDb(db => db.Set<AuditEntry>().Select(a => a.Actor).ToList()), a => a.StartsWith("msteams:"));
    }

    [Fact]
    public async Task ChatPasteWithABrokenRowAnswersWithTheRowReportInChinese()
    {
        using var app = WithBootstrapAdmin();

        await app.SendAsync(TestUser.Alex.Message("<p>导入名单</p><p>" + Header + "</p><p>李四,科员,县委组织部,成员,,不存在的人,,lisi@demo.gov.cn,,</p>"));

        var text = Assert.Single(Texts(app));
        Assert.Contains("名单未导入", text);
        Assert.Contains("第 2 行［上级领导］：找不到上级领导“不存在的人”", text);
        Assert.Equal(0, app.WithDb(db => db.Set<Person>().Count()));
    }

    [Fact]
    public async Task MemberAndUnlinkedUserCannotImportButCanStillUseHelp()
    {
        using var app = new BotApp();
        Assert.True((await ImportAsync(app, Utf8(SmallDirectory))).Applied);

        await app.SendAsync(Wang.Message("导入名单\n" + Header + "\n新人,科员,县委组织部,成员,,,,x@demo.gov.cn,,"));
        await app.SendAsync(TestUser.Megan.Message("导入名单\n" + Header + "\n新人,科员,县委组织部,成员,,,,x@demo.gov.cn,,"));
        await app.SendAsync(TestUser.Megan.Message("帮助"));

        var texts = Texts(app);
        Assert.Contains(CallerGuard.AdminOnlyMessage, texts);
        Assert.Contains(CallerGuard.NotLinkedMessage, texts);
        Assert.Equal(3, app.WithDb(db => db.Set<Person>().Count()));
        Assert.Contains(app.Connector.Cards, c => c.ToJsonString(ProtocolJson.Options).Contains("使用帮助"));
    }

    [Fact]
    public async Task TeamsUserIsLinkedByAadObjectIdOnFirstContact()
    {
        using var app = new BotApp();
        Assert.True((await ImportAsync(app, Utf8(SmallDirectory))).Applied);

        await app.SendAsync(Wang.Message("你好"));

        var wangId = app.WithDb(db => db.Set<Person>().Single(p => p.Name == "王强").Id);
        Assert.Equal(wangId, app.WithDb(db => db.Set<ConversationRef>().Single().PersonId));
        Assert.DoesNotContain(app.Connector.Calls, c => c.Method == "GET");
    }

    [Fact]
    public async Task TeamsUserIsLinkedByTheEmailOfTheGetMemberCallWhichIsMadeOnce()
    {
        using var app = new BotApp();
        Assert.True((await ImportAsync(app, Utf8(SmallDirectory))).Applied);
        app.Connector.Members[Chen.Id] = new JsonObject { ["id"] = Chen.Id, ["email"] = "ChenChen@demo.gov.cn", ["userPrincipalName"] = "chenchen@demo.gov.cn" };
        var stranger = TestUser.Megan;

        await app.SendAsync(Chen.Message("你好"));
        await app.SendAsync(Chen.Message("再见"));
        await app.SendAsync(stranger.Message("你好"));
        await app.SendAsync(stranger.Message("再见"));

        var chen = app.WithDb(db => db.Set<Person>().Single(p => p.Name == "陈晨"));
        Assert.Equal(Chen.AadObjectId, chen.AadObjectId);
        var refs = app.WithDb(db => db.Set<ConversationRef>().ToList());
        Assert.Equal(chen.Id, refs.Single(r => r.UserId == Chen.Id).PersonId);
        Assert.Equal("chenchen@demo.gov.cn", refs.Single(r => r.UserId == Chen.Id).MemberEmail);
        Assert.Null(refs.Single(r => r.UserId == stranger.Id).PersonId);
        var gets = app.Connector.Calls.Where(c => c.Method == "GET").ToList();
        Assert.Equal(2, gets.Count); // once per chat, not once per message
        Assert.Contains(gets, g => g.Path.EndsWith("/members/" + Uri.EscapeDataString(Chen.Id), StringComparison.Ordinal));
    }

    [Fact]
    public async Task WeComUserIsLinkedByUserId()
    {
        using var app = new BotApp();
        Assert.True((await ImportAsync(app, Utf8(SmallDirectory))).Applied);
        var message = new TestUser("wangqiang", "王强", "", "wecom-wangqiang").Message("你好");
        message["channelId"] = "wecom";
        message["from"]!.AsObject().Remove("aadObjectId");

        await app.SendAsync(message);

        var wangId = app.WithDb(db => db.Set<Person>().Single(p => p.Name == "王强").Id);
        Assert.Equal(wangId, app.WithDb(db => db.Set<ConversationRef>().Single(r => r.ChannelId == "wecom").PersonId));
    }

    [Fact]
    public async Task AdminLinksAnUnlinkedUserFromTheRecentList()
    {
        using var app = WithBootstrapAdmin();
        Assert.True((await ImportAsync(app, Utf8(SmallDirectory))).Applied);
        await app.SendAsync(TestUser.Megan.Message("帮助"));

        await app.SendAsync(TestUser.Alex.Message("关联"));
        var list = Texts(app).Last();
        Assert.Contains("Megan Bowen", list);
        var refId = app.WithDb(db => db.Set<ConversationRef>().Single(r => r.UserId == TestUser.Megan.Id).Id);
        await app.SendAsync(TestUser.Alex.Message($"关联 {refId} 陈晨"));

        Assert.Contains("已将 Megan Bowen 的聊天账号关联到 陈晨", Texts(app).Last());
        var chen = app.WithDb(db => db.Set<Person>().Single(p => p.Name == "陈晨"));
        Assert.Equal(chen.Id, app.WithDb(db => db.Set<ConversationRef>().Single(r => r.Id == refId).PersonId));
        Assert.Equal(TestUser.Megan.AadObjectId, chen.AadObjectId);
        Assert.Contains(app.WithDb(db => db.Set<AuditEntry>().Select(a => a.Action).ToList()), a => a == "directory.link");

        await app.SendAsync(Wang.Message("关联"));
        Assert.Equal(CallerGuard.AdminOnlyMessage, Texts(app).Last());
    }

    [Fact]
    public async Task RestLinkConnectsAConversationToAPerson()
    {
        using var app = new BotApp();
        Assert.True((await ImportAsync(app, Utf8(SmallDirectory))).Applied);
        await app.SendAsync(TestUser.Megan.Message("帮助"));
        var unlinked = JsonNode.Parse(await app.AdminClient().GetStringAsync("/api/admin/directory/unlinked"))!.AsArray();
        var refId = unlinked.Single()!["id"]!.GetValue<int>();

        var ambiguous = await app.AdminClient().PostAsync("/api/admin/directory/link",
            new StringContent($$"""{"conversationRefId":{{refId}},"person":"无此人"}""", Encoding.UTF8, "application/json"));
        var ok = await app.AdminClient().PostAsync("/api/admin/directory/link",
            new StringContent($$"""{"conversationRefId":{{refId}},"person":"zhang@demo.gov.cn"}""", Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.UnprocessableEntity, ambiguous.StatusCode);
        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        Assert.Equal(app.WithDb(db => db.Set<Person>().Single(p => p.Name == "张部长").Id),
            app.WithDb(db => db.Set<ConversationRef>().Single().PersonId));
    }

    [Fact]
    public async Task ScopedAdminInChatCannotImportOutsideTheirUnit()
    {
        using var app = new BotApp();
        var directory = SmallDirectory.Replace(Header, Header + ",管理范围") +
            "吴婷,纪检委员,县委组织部/组织科,成员、管理员,,,00000000-0000-0000-0000-000000000021,wuting@demo.gov.cn,,,县委组织部/组织科\r\n";
        var report = await ImportAsync(app, Utf8(directory));
        Assert.True(report.Applied, report.ToText());

        await app.SendAsync(TestUser.Megan.Message("导入名单\n" + Header + "\n新人,科员,县委组织部/干部科,成员,,,,x@demo.gov.cn,,"));
        await app.SendAsync(TestUser.Megan.Message("导入名单\n" + Header + "\n新人,科员,县委组织部/组织科,成员,,,,x@demo.gov.cn,,"));

        var texts = Texts(app);
        Assert.Contains(texts, t => t.Contains("第 2 行［单位］：超出您的管理范围（县委组织部/组织科）"));
        Assert.Contains(texts, t => t.Contains("名单导入成功"));
        Assert.Equal("县委组织部/组织科", app.WithDb(db => db.Set<Person>().Include(p => p.Unit).Single(p => p.Name == "新人").Unit!.Path));
    }

    [Fact]
    public async Task DemoDirectoryLoadsThePlaygroundUsersIdempotently()
    {
        var dir = Path.Combine(Path.GetTempPath(), "bot-demo-" + Guid.NewGuid().ToString("N"));
        var config = new Dictionary<string, string?> { ["Demo:Enabled"] = "true", ["Data:Directory"] = dir };
        try
        {
            using (var first = new BotApp(config: config))
                first.CreateClient();
            using var app = new BotApp(config: config);
            app.CreateClient();

            app.WithDb(db =>
            {
                var people = db.Set<Person>().Include(p => p.Unit).ToList();
                Assert.InRange(people.Count, 8, 12);
                Person P(string email) => people.Single(p => p.Email == email);
                var li = P("limin@demo.gov.cn");
                Assert.Equal(("李敏", "00000000-0000-0000-0000-00000000a001", "县委组织部/办公室", Roles.Admin, (int?)null),
                    (li.Name, li.AadObjectId, li.Unit!.Path, li.Roles, li.AdminScopeUnitId));
                var wang = P("wangqiang@demo.gov.cn");
                Assert.Equal(("王强", "00000000-0000-0000-0000-00000000b001", "县委组织部", Roles.Leader), (wang.Name, wang.AadObjectId, wang.Unit!.Path, wang.Roles));
                Assert.Equal("张部长", people.Single(p => p.Id == wang.SupervisorId).Name);
                var zhao = P("zhaoli@demo.gov.cn");
                Assert.Equal(("赵丽", "00000000-0000-0000-0000-00000000b002", Roles.Leader), (zhao.Name, zhao.AadObjectId, zhao.Roles));
                var chen = P("chenchen@demo.gov.cn");
                Assert.Equal(("陈晨", "00000000-0000-0000-0000-00000000c001", "县委组织部/干部科", Roles.Member), (chen.Name, chen.AadObjectId, chen.Unit!.Path, chen.Roles));
                List<string> Charged(Person p) => [.. db.Set<UnitCharge>().Where(c => c.PersonId == p.Id).Select(c => c.Unit!.Path).OrderBy(x => x)];
                Assert.Equal(["县委组织部/干部科", "县委组织部/组织科"], Charged(wang));
                Assert.Equal(["县委组织部/人才办"], Charged(zhao));
                Assert.Equal(["县委组织部", "县委组织部/人才办", "县委组织部/办公室", "县委组织部/干部科", "县委组织部/组织科"],
                    db.Set<OrgUnit>().Select(u => u.Path).OrderBy(x => x).ToList());
                return 0;
            });
        }
        finally
        {
            try { Directory.Delete(dir, recursive: true); } catch (IOException) { }
        }
    }
}
