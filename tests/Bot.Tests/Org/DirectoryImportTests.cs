using System.Diagnostics;
using System.Text;
using Bot.App.Identity;
using Bot.App.Org;
using ClosedXML.Excel;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Bot.Tests.Org;

public sealed class DirectoryImportTests
{
    internal const string Header = "姓名,职务,单位,角色,分管单位,上级领导,Entra对象ID,邮箱,手机,企业微信账号";

    internal const string SmallDirectory = Header + "\r\n" +
        "张部长,部长,县委组织部,领导,,,,zhang@demo.gov.cn,13900000001,,\r\n" +
        "王强,副部长,县委组织部,领导,县委组织部/干部科、县委组织部/组织科,zhang@demo.gov.cn,00000000-0000-0000-0000-00000000b001,WangQiang@demo.gov.cn,139 0000 0002,wangqiang\r\n" +
        "陈晨,科员,县委组织部/干部科,成员,,,,chenchen@demo.gov.cn,,\r\n";

    static DirectoryImportTests() => Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);

    internal static async Task<ImportReport> ImportAsync(BotApp app, byte[] content, string? scopePath = null)
    {
        using var scope = app.Services.CreateScope();
        return await scope.ServiceProvider.GetRequiredService<DirectoryImporter>()
            .ImportAsync(content, null, "test", scopePath, null, CancellationToken.None);
    }

    internal static byte[] Utf8(string text) => Encoding.UTF8.GetBytes(text);

    private static void AssertSmallDirectory(BotApp app)
    {
        app.WithDb(db =>
        {
            var people = db.Set<Person>().Include(p => p.Unit).ToList();
            Assert.Equal(["张部长", "王强", "陈晨"], people.Select(p => p.Name));
            var wang = people.Single(p => p.Name == "王强");
            Assert.Equal("县委组织部", wang.Unit!.Path);
            Assert.Equal("wangqiang@demo.gov.cn", wang.Email);
            Assert.Equal("13900000002", wang.Mobile);
            Assert.Equal(people.Single(p => p.Name == "张部长").Id, wang.SupervisorId);
            Assert.True(wang.Is(Roles.Leader));
            var charged = db.Set<UnitCharge>().Where(c => c.PersonId == wang.Id).Select(c => c.Unit!.Path).OrderBy(p => p).ToList();
            Assert.Equal(["县委组织部/干部科", "县委组织部/组织科"], charged);
            var section = db.Set<OrgUnit>().Include(u => u.Parent).Single(u => u.Path == "县委组织部/干部科");
            Assert.Equal("干部科", section.Name);
            Assert.Equal("县委组织部", section.Parent!.Path);
            return 0;
        });
    }

    [Fact]
    public async Task GbkCsvAsExcelSavesItIsImportedWithCorrectChinese()
    {
        using var app = new BotApp();
        var gbk = Encoding.GetEncoding("GBK").GetBytes(SmallDirectory);
        Assert.NotEqual(Utf8(SmallDirectory), gbk);

        var report = await ImportAsync(app, gbk);

        Assert.True(report.Applied, report.ToText());
        Assert.Equal((3, 3, 0, 3), (report.Rows, report.Created, report.Updated, report.UnitsCreated));
        AssertSmallDirectory(app);
    }

    [Fact]
    public async Task Utf8CsvWithBomIsImported()
    {
        using var app = new BotApp();
        byte[] content = [.. Encoding.UTF8.GetPreamble(), .. Utf8(SmallDirectory)];

        var report = await ImportAsync(app, content);

        Assert.True(report.Applied, report.ToText());
        AssertSmallDirectory(app);
    }

    [Fact]
    public async Task XlsxWrittenByExcelIsImportedWithMobileNumbersAsDigits()
    {
        using var app = new BotApp();
        var rows = DirectoryFile.ReadText(SmallDirectory);
        using var workbook = new XLWorkbook();
        var sheet = workbook.Worksheets.Add("Sheet1");
        for (var c = 0; c < rows.Header.Count; c++)
            sheet.Cell(1, c + 1).Value = rows.Header[c];
        for (var r = 0; r < rows.Rows.Count; r++)
            for (var c = 0; c < rows.Rows[r].Cells.Length; c++)
            {
                var text = rows.Rows[r].Cells[c];
                // Excel stores a typed mobile number as a number.
                if (c == 8 && long.TryParse(text.Replace(" ", ""), out var number))
                    sheet.Cell(r + 2, c + 1).Value = number;
                else
                    sheet.Cell(r + 2, c + 1).Value = text;
            }
        using var stream = new MemoryStream();
        workbook.SaveAs(stream);

        var report = await ImportAsync(app, stream.ToArray());

        Assert.True(report.Applied, report.ToText());
        AssertSmallDirectory(app);
        Assert.Equal("13900000001", app.WithDb(db => db.Set<Person>().Single(p => p.Name == "张部长").Mobile));
    }

    [Fact]
    public async Task XlsxTemplateReadsBackAsTheTemplateColumns()
    {
        var table = DirectoryFile.Read(DirectoryFile.XlsxTemplate());
        Assert.Equal(DirectoryFile.Columns, table.Header);
        Assert.Single(table.Rows);
        Assert.Equal("13800000000", table.Rows[0].Cells[8]);
        Assert.Equal(DirectoryFile.Columns, DirectoryFile.Read(DirectoryFile.CsvTemplate()).Header);
        await Task.CompletedTask;
    }

    [Fact]
    public async Task OneBrokenRowMeansNothingIsWrittenAndTheReportNamesRowAndColumn()
    {
        using var app = new BotApp();
        var csv = SmallDirectory + "李四,科员,县委组织部/组织科,成员,,,,not-an-email,,\r\n" + "王五,科员,县委组织部/组织科,老板,,,,wangwu@demo.gov.cn,,\r\n";

        var report = await ImportAsync(app, Utf8(csv));

        Assert.False(report.Applied);
        Assert.Contains(report.Problems, p => p.Row == 5 && p.Column == "邮箱" && p.Message.Contains("not-an-email"));
        Assert.Contains(report.Problems, p => p.Row == 6 && p.Column == "角色" && p.Message.Contains("老板"));
        Assert.Contains("第 5 行［邮箱］", report.ToText());
        Assert.Contains("名单未导入", report.ToText());
        Assert.Equal(0, app.WithDb(db => db.Set<Person>().Count()));
        Assert.Equal(0, app.WithDb(db => db.Set<OrgUnit>().Count()));
        Assert.Equal(0, app.WithDb(db => db.Set<UnitCharge>().Count()));
        Assert.Equal("directory.import.rejected", app.WithDb(db => db.Set<AuditEntry>().Single().Action));
    }

    [Fact]
    public async Task SupervisorByAmbiguousNameIsARowErrorAndByUniqueNameWorks()
    {
        using var app = new BotApp();
        var ambiguous = Header + "\n" +
            "张伟,部长,县委组织部,领导,,,,zhangwei1@demo.gov.cn,,\n" +
            "张伟,副部长,县委组织部,领导,,,,zhangwei2@demo.gov.cn,,\n" +
            "刘洋,科长,县委组织部/干部科,领导,,张伟,,liuyang@demo.gov.cn,,\n";

        var report = await ImportAsync(app, Utf8(ambiguous));

        Assert.False(report.Applied);
        var problem = Assert.Single(report.Problems);
        Assert.Equal((4, "上级领导"), (problem.Row, problem.Column));
        Assert.Contains("2 人名为“张伟”", problem.Message);

        var fixedFile = ambiguous.Replace(",张伟,,liuyang", ",zhangwei2@demo.gov.cn,,liuyang").Replace("张伟,部长", "张卫,部长");
        Assert.True((await ImportAsync(app, Utf8(fixedFile))).Applied);
        var byName = Header + "\n孙伟,科长,县委组织部/组织科,领导,,张卫,,sunwei@demo.gov.cn,,\n";
        Assert.True((await ImportAsync(app, Utf8(byName))).Applied);
        app.WithDb(db =>
        {
            var people = db.Set<Person>().ToList();
            Assert.Equal(people.Single(p => p.Email == "zhangwei2@demo.gov.cn").Id, people.Single(p => p.Name == "刘洋").SupervisorId);
            Assert.Equal(people.Single(p => p.Name == "张卫").Id, people.Single(p => p.Name == "孙伟").SupervisorId);
            return 0;
        });
    }

    [Fact]
    public async Task ASupervisorLoopIsARowError()
    {
        using var app = new BotApp();
        var csv = Header + "\n" +
            "甲,部长,县委组织部,领导,,yi@demo.gov.cn,,jia@demo.gov.cn,,\n" +
            "乙,副部长,县委组织部,领导,,jia@demo.gov.cn,,yi@demo.gov.cn,,\n" +
            "丙,科长,县委组织部,领导,,jia@demo.gov.cn,,bing@demo.gov.cn,,\n";

        var report = await ImportAsync(app, Utf8(csv));

        Assert.False(report.Applied);
        Assert.Equal([2, 3], report.Problems.Where(p => p.Column == "上级领导" && p.Message.Contains("循环")).Select(p => p.Row));
        Assert.True((await ImportAsync(app, Utf8(csv.Replace(",yi@demo.gov.cn,,jia@", ",,,jia@")))).Applied);
        var loopViaDirectory = Header + "\n甲,部长,县委组织部,领导,,bing@demo.gov.cn,,jia@demo.gov.cn,,\n丙,科长,县委组织部,领导,,yi@demo.gov.cn,,bing@demo.gov.cn,,\n";
        Assert.Contains((await ImportAsync(app, Utf8(loopViaDirectory))).Problems, p => p.Message.Contains("循环"));
    }

    [Fact]
    public async Task DuplicateKeysInsideOneFileAreReported()
    {
        using var app = new BotApp();
        var csv = Header + "\n" +
            "甲,科员,县委组织部,成员,,,,same@demo.gov.cn,,\n" +
            "乙,科员,县委组织部,成员,,,,SAME@demo.gov.cn,,\n" +
            "丙,科员,县委组织部,成员,,,,,13900000000,\n" +
            "丁,科员,县委组织部,成员,,,,,13900000000,\n" +
            "戊,科员,县委组织部,成员,,,,,,\n";

        var report = await ImportAsync(app, Utf8(csv));

        Assert.False(report.Applied);
        Assert.Contains(report.Problems, p => p.Row == 3 && p.Column == "邮箱" && p.Message.Contains("第 2 行重复"));
        Assert.Contains(report.Problems, p => p.Row == 5 && p.Column == "手机" && p.Message.Contains("第 4 行重复"));
        Assert.Contains(report.Problems, p => p.Row == 6 && p.Message.Contains("至少填写一项"));
        Assert.Equal(0, app.WithDb(db => db.Set<Person>().Count()));
    }

    [Fact]
    public async Task ReimportUpdatesPeopleByStableKeyInsteadOfDuplicating()
    {
        using var app = new BotApp();
        Assert.True((await ImportAsync(app, Utf8(SmallDirectory))).Applied);
        var changed = Header + "\n" +
            "王强,常务副部长,县委组织部,领导,县委组织部/人才办,,,wangqiang@demo.gov.cn,,\n" +
            "陈晨,副科长,县委组织部/组织科,成员,,王强,,chenchen@demo.gov.cn,,\n" +
            "周静,主任,县委组织部/人才办,领导,,,,,,zhoujing\n";

        var report = await ImportAsync(app, Utf8(changed));

        Assert.True(report.Applied, report.ToText());
        Assert.Equal((1, 2), (report.Created, report.Updated));
        app.WithDb(db =>
        {
            Assert.Equal(4, db.Set<Person>().Count());
            var wang = db.Set<Person>().Single(p => p.Name == "王强");
            Assert.Equal("常务副部长", wang.Title);
            Assert.Null(wang.SupervisorId);
            Assert.Equal("13900000002", wang.Mobile); // a blank contact cell keeps the known value
            Assert.Equal("00000000-0000-0000-0000-00000000b001", wang.AadObjectId);
            Assert.Equal(["县委组织部/人才办"], db.Set<UnitCharge>().Where(c => c.PersonId == wang.Id).Select(c => c.Unit!.Path).ToList());
            var chen = db.Set<Person>().Include(p => p.Unit).Single(p => p.Name == "陈晨");
            Assert.Equal("县委组织部/组织科", chen.Unit!.Path);
            Assert.Equal(wang.Id, chen.SupervisorId);
            return 0;
        });
        Assert.True((await ImportAsync(app, Utf8(changed))).Applied);
        Assert.Equal(4, app.WithDb(db => db.Set<Person>().Count()));
    }

    [Fact]
    public async Task AThousandPersonFileImportsQuickly()
    {
        using var app = new BotApp();
        app.CreateClient(); // start the host (and migrate) outside the measured time
        var csv = new StringBuilder(Header + "\n");
        for (var i = 0; i < 1000; i++)
        {
            var section = $"县委组织部/第{i / 50}科";
            var supervisor = i % 50 == 0 ? "" : $"p{i / 50 * 50}@demo.gov.cn";
            csv.Append($"人员{i},科员,{section},{(i % 50 == 0 ? "领导" : "成员")},,{supervisor},,p{i}@demo.gov.cn,1390000{i:0000},u{i}\n");
        }
        var watch = Stopwatch.StartNew();

        var report = await ImportAsync(app, Utf8(csv.ToString()));

        watch.Stop();
        Assert.True(report.Applied, report.ToText());
        Assert.Equal(1000, report.Created);
        Assert.Equal(21, report.UnitsCreated);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(20), $"took {watch.Elapsed}");
        Assert.Equal(980, app.WithDb(db => db.Set<Person>().Count(p => p.SupervisorId != null)));
        Assert.True((await ImportAsync(app, Utf8(csv.ToString()))).Updated == 1000);
    }

    [Fact]
    public async Task ScopedAdminCannotImportOrManageOutsideTheSubtree()
    {
        using var app = new BotApp();
        Assert.True((await ImportAsync(app, Utf8(SmallDirectory))).Applied);
        var outside = Header + "\n新人,科员,县委组织部/干部科,成员,,,,xinren@demo.gov.cn,,\n";
        var moveIn = Header + "\n陈晨,科员,县委组织部/组织科,成员,,,,chenchen@demo.gov.cn,,\n";
        var inside = Header + "\n新人,科员,县委组织部/组织科,成员,,,,xinren@demo.gov.cn,,\n";

        var refused = await ImportAsync(app, Utf8(outside), scopePath: "县委组织部/组织科");
        var stolen = await ImportAsync(app, Utf8(moveIn), scopePath: "县委组织部/组织科");
        var allowed = await ImportAsync(app, Utf8(inside), scopePath: "县委组织部/组织科");

        Assert.Contains(refused.Problems, p => p.Column == "单位" && p.Message.Contains("超出您的管理范围"));
        Assert.Contains(stolen.Problems, p => p.Message.Contains("不在您的管理范围内"));
        Assert.True(allowed.Applied, allowed.ToText());

        using var scope = app.Services.CreateScope();
        var org = scope.ServiceProvider.GetRequiredService<OrgQueries>();
        var units = app.WithDb(db => db.Set<OrgUnit>().ToDictionary(u => u.Path, u => u.Id));
        var scoped = new Caller(99, "纪检委员", Roles.Admin | Roles.Member, units["县委组织部/组织科"], "person:99");
        Assert.True(await org.CanManageUnitAsync(scoped, units["县委组织部/组织科"], default));
        Assert.False(await org.CanManageUnitAsync(scoped, units["县委组织部/干部科"], default));
        Assert.False(await org.CanManageUnitAsync(scoped, units["县委组织部"], default));
        Assert.True(await org.CanManageUnitAsync(scoped with { AdminScopeUnitId = null }, units["县委组织部"], default));
        Assert.False(await org.CanManageUnitAsync(scoped with { Roles = Roles.Leader }, units["县委组织部/组织科"], default));
        Assert.Equal(3, (await org.SubtreeUnitIdsAsync(units["县委组织部"], default)).Count);
    }

    [Fact]
    public async Task ManagementScopeColumnMakesAScopedAdmin()
    {
        using var app = new BotApp();
        var csv = Header + ",管理范围\n" +
            "吴婷,纪检委员,县委组织部/组织科,成员、管理员,,,,wuting@demo.gov.cn,,,县委组织部/组织科\n" +
            "孙伟,科长,县委组织部/组织科,领导,,,,sunwei@demo.gov.cn,,,县委组织部/组织科\n";

        var report = await ImportAsync(app, Utf8(csv));

        var problem = Assert.Single(report.Problems);
        Assert.Equal((3, "管理范围"), (problem.Row, problem.Column));
        Assert.True((await ImportAsync(app, Utf8(csv.Replace(",县委组织部/组织科\n孙伟", ",县委组织部/组织科\n孙伟").Replace("sunwei@demo.gov.cn,,,县委组织部/组织科", "sunwei@demo.gov.cn,,,")))).Applied);
        app.WithDb(db =>
        {
            var wu = db.Set<Person>().Single(p => p.Name == "吴婷");
            Assert.Equal(Roles.Admin | Roles.Member, wu.Roles);
            Assert.Equal(db.Set<OrgUnit>().Single(u => u.Path == "县委组织部/组织科").Id, wu.AdminScopeUnitId);
            return 0;
        });
    }
}

public sealed class DirectoryCliTests
{
    [Fact]
    public async Task CliImportsAFileIntoTheConfiguredDatabaseAndRejectsABrokenOne()
    {
        var dir = Path.Combine(Path.GetTempPath(), "bot-cli-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        try
        {
            var good = Path.Combine(dir, "good.csv");
            var bad = Path.Combine(dir, "bad.csv");
            await File.WriteAllTextAsync(good, DirectoryImportTests.SmallDirectory);
            await File.WriteAllTextAsync(bad, DirectoryImportTests.Header + "\n甲,科员,县委组织部,成员,,,,,,\n");

            Assert.Equal(0, await DirectoryCli.RunAsync(["directory", "import", good, "--Data:Directory", dir]));
            Assert.Equal(1, await DirectoryCli.RunAsync(["directory", "import", bad, "--Data:Directory", dir]));
            Assert.Equal(2, await DirectoryCli.RunAsync(["directory", "import", Path.Combine(dir, "missing.csv"), "--Data:Directory", dir]));

            using var app = new BotApp(config: new Dictionary<string, string?> { ["Data:Directory"] = dir });
            Assert.Equal(["张部长", "王强", "陈晨"], app.WithDb(db => db.Set<Person>().OrderBy(p => p.Id).Select(p => p.Name).ToList()));
            Assert.Equal(["directory.import", "directory.import.rejected"],
                app.WithDb(db => db.Set<AuditEntry>().OrderBy(a => a.Id).Select(a => a.Action).ToList()));
        }
        finally
        {
            try { Directory.Delete(dir, recursive: true); } catch (IOException) { }
        }
    }
}
