using System.Text.Json.Nodes;
using Bot.App.Org;
using Bot.App.Talks;
using Microsoft.Extensions.Time.Testing;

namespace Bot.Tests.Talks;

/// <summary>An admin scoped to 干部科 (e.g. its 纪检委员) launches and sees only inside that subtree.</summary>
public sealed class ScopedAdminTests
{
    [Fact]
    public async Task ScopedAdminLaunchesAndSeesOnlyTheirSubtree()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 11, 20, 10, 0, 0, TimeSpan.FromHours(8)));
        using var app = new BotApp(clock);
        var world = TalkWorld.Seed(app);
        await world.InstallAsync(app, TalkWorld.Admin);
        app.WithDb(db =>
        {
            var admin = db.Set<Person>().Single(p => p.Id == world.People["李敏"]);
            admin.AdminScopeUnitId = db.Set<OrgUnit>().Single(u => u.Path == "县委组织部/干部科").Id;
            return db.SaveChanges();
        });
        // A campaign over everybody exists (made by a global admin through REST).
        await TalkWorld.CreateCampaignAsync(app, "2026-12-04", new { all = true });

        await app.SendAsync(TalkWorld.Admin.Message("进度"));
        var progress = TalkWorld.Text(app.Connector.Cards.Last());
        Assert.Contains("刘洋", progress);
        Assert.DoesNotContain("王强", progress);
        Assert.DoesNotContain("/api/talks/export/", progress);

        JsonObject Form(string scope, string items) => new()
        {
            ["verb"] = "campaign.create", ["title"] = "科室约谈", ["kind"] = "提醒谈话", ["deadline"] = "2026-12-10",
            ["scope"] = scope, ["scopeItems"] = items, ["topics"] = "0,5", ["cascadeDepth"] = "0",
        };
        var refused = await app.PostAsync(TalkWorld.Admin.Execute("campaign.create", Form("leaders", "wangqiang@demo.gov.cn"), "f1"));
        Assert.Contains("超出您的管理范围", TalkWorld.Text(JsonNode.Parse(await refused.Content.ReadAsStringAsync())));
        await app.PostAsync(TalkWorld.Admin.Execute("campaign.create", Form("all", ""), "f2"));
        var leaders = app.WithDb(db => db.Set<Assignment>().Where(a => a.Campaign!.Title == "科室约谈").Select(a => a.LeaderId).ToList());
        Assert.Equal([world.People["刘洋"]], leaders);
    }
}
