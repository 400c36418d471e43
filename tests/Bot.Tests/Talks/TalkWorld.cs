using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Bot.App.Conversations;
using Bot.App.Org;
using Bot.App.Talks;
using Bot.Protocol;
using Microsoft.Extensions.DependencyInjection;

namespace Bot.Tests.Talks;

/// <summary>
/// A small county department seeded straight into the database (the directory import is another feature):
/// 张部长 supervises the deputy heads 王强 (分管 干部科、组织科) and 赵丽 (分管 人才办); 李敏 is the admin.
/// </summary>
public sealed class TalkWorld
{
    public static readonly TestUser Admin = new("29:limin", "李敏", "00000000-0000-0000-0000-00000000a001", "a:limin");
    public static readonly TestUser Wang = new("29:wangqiang", "王强", "00000000-0000-0000-0000-00000000b001", "a:wangqiang");
    public static readonly TestUser Zhao = new("29:zhaoli", "赵丽", "00000000-0000-0000-0000-00000000b002", "a:zhaoli");
    public static readonly TestUser Zhang = new("29:zhang", "张部长", "00000000-0000-0000-0000-00000000b000", "a:zhang");
    public static readonly TestUser Chen = new("29:chenchen", "陈晨", "00000000-0000-0000-0000-00000000c001", "a:chenchen");
    public static readonly TestUser[] Users = [Admin, Wang, Zhao, Zhang, Chen];

    public Dictionary<string, int> People { get; } = [];

    public static TalkWorld Seed(BotApp app) => app.WithDb(db =>
    {
        var world = new TalkWorld();
        var root = new OrgUnit { Name = "县委组织部", Path = "县委组织部" };
        db.Add(root);
        db.SaveChanges();
        OrgUnit Unit(string name)
        {
            var u = new OrgUnit { Name = name, Path = "县委组织部/" + name, ParentId = root.Id };
            db.Add(u);
            return u;
        }
        var office = Unit("办公室");
        var cadre = Unit("干部科");
        var org = Unit("组织科");
        var talent = Unit("人才办");
        db.SaveChanges();
        Person Add(string name, string title, OrgUnit unit, Roles roles, string? aad = null, string? email = null)
        {
            var p = new Person { Name = name, Title = title, UnitId = unit.Id, Roles = roles, AadObjectId = aad, Email = email };
            db.Add(p);
            db.SaveChanges();
            world.People[name] = p.Id;
            return p;
        }
        var zhang = Add("张部长", "部长", root, Roles.Leader, Zhang.AadObjectId, "zhang@demo.gov.cn");
        Add("李敏", "干部", office, Roles.Admin | Roles.Member, Admin.AadObjectId, "limin@demo.gov.cn");
        var wang = Add("王强", "副部长", root, Roles.Leader, Wang.AadObjectId, "wangqiang@demo.gov.cn");
        var zhao = Add("赵丽", "副部长", root, Roles.Leader, Zhao.AadObjectId, "zhaoli@demo.gov.cn");
        Add("刘洋", "科长", cadre, Roles.Leader, email: "liuyang@demo.gov.cn");
        Add("孙伟", "科长", org, Roles.Leader, email: "sunwei@demo.gov.cn");
        Add("周敏", "主任", talent, Roles.Leader, email: "zhoumin@demo.gov.cn");
        Add("陈晨", "科员", cadre, Roles.Member, Chen.AadObjectId, "chenchen@demo.gov.cn");
        Add("吴芳", "科员", org, Roles.Member, email: "wufang@demo.gov.cn");
        wang.SupervisorId = zhang.Id;
        zhao.SupervisorId = zhang.Id;
        db.AddRange(
            new UnitCharge { PersonId = wang.Id, UnitId = cadre.Id },
            new UnitCharge { PersonId = wang.Id, UnitId = org.Id },
            new UnitCharge { PersonId = zhao.Id, UnitId = talent.Id });
        db.SaveChanges();
        return world;
    });

    /// <summary>Every test user installs the bot; their chats are linked to their directory entries.</summary>
    public async Task InstallAsync(BotApp app, params TestUser[] users)
    {
        foreach (var user in users.Length > 0 ? users : Users)
            await app.SendAsync(user.Install());
        app.WithDb(db =>
        {
            foreach (var r in db.Set<ConversationRef>().ToList())
                r.PersonId = Users.FirstOrDefault(u => u.ConversationId == r.ConversationId) is { } u ? People[u.Name] : null;
            return db.SaveChanges();
        });
    }

    public static async Task<int> CreateCampaignAsync(BotApp app, string deadline, object scope, int cascade = 0, string title = "第四季度党风廉政集体约谈")
    {
        var response = await app.AdminClient().PostAsJsonAsync("/api/admin/campaigns", new { title, kind = "集体约谈", deadline, scope, cascadeDepth = cascade });
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == System.Net.HttpStatusCode.Created, body);
        return JsonNode.Parse(body)!["id"]!.GetValue<int>();
    }

    public static Task<int> TickAsync(BotApp app) => app.Services.GetRequiredService<ReminderRunner>().RunDueAsync(CancellationToken.None);

    public static string Text(JsonNode? node) => node?.ToJsonString(ProtocolJson.Options) ?? "";
}
