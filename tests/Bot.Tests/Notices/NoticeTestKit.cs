using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Bot.App.Conversations;
using Bot.App.Org;
using Bot.Protocol;

namespace Bot.Tests.Notices;

/// <summary>A small directory and helpers shared by the notice tests.</summary>
internal static class NoticeTestKit
{
    public static readonly Dictionary<string, string?> AdminAlex = new() { ["Bot:Admins:0"] = TestUser.Alex.AadObjectId, ["Notices:PollSeconds"] = "0.1" };

    public static TestUser User(int i) => new($"29:user{i}", $"用户{i}", $"00000000-0000-0000-0000-{i:D12}", $"a:user{i}-personal");

    /// <summary>县委组织部 ⊃ 干部科, 组织科; people 1–4, of whom 1–3 have installed the bot (4 has not).</summary>
    public static async Task SeedDirectoryAsync(BotApp app)
    {
        app.WithDb(db =>
        {
            var root = new OrgUnit { Name = "县委组织部", Path = "县委组织部" };
            db.Add(root);
            db.SaveChanges();
            var cadre = new OrgUnit { Name = "干部科", Path = "县委组织部/干部科", ParentId = root.Id };
            var org = new OrgUnit { Name = "组织科", Path = "县委组织部/组织科", ParentId = root.Id };
            db.AddRange(cadre, org);
            db.SaveChanges();
            db.AddRange(
                new Person { Name = "王强", UnitId = root.Id, Roles = Roles.Leader, AadObjectId = User(1).AadObjectId },
                new Person { Name = "陈晨", UnitId = cadre.Id, Roles = Roles.Member, AadObjectId = User(2).AadObjectId },
                new Person { Name = "刘洋", UnitId = org.Id, Roles = Roles.Member, AadObjectId = User(3).AadObjectId },
                new Person { Name = "孙磊", UnitId = cadre.Id, Roles = Roles.Member, AadObjectId = User(4).AadObjectId });
            return db.SaveChanges();
        });
        for (var i = 1; i <= 3; i++)
            await app.SendAsync(User(i).Install());
    }

    public static async Task<int> PostNoticeAsync(HttpClient admin, object body)
    {
        var response = await admin.PostAsJsonAsync("/api/admin/notices", body);
        Assert.Equal(System.Net.HttpStatusCode.Accepted, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonObject>())!["id"]!.GetValue<int>();
    }

    public static async Task<JsonObject> StatusAsync(HttpClient admin, int id) =>
        (await admin.GetFromJsonAsync<JsonObject>($"/api/admin/notices/{id}"))!;

    public static async Task<JsonObject> WaitUntilAsync(HttpClient admin, int id, Func<JsonObject, bool> done)
    {
        for (var i = 0; i < 300; i++)
        {
            var status = await StatusAsync(admin, id);
            if (done(status))
                return status;
            await Task.Delay(50);
        }
        throw new TimeoutException("notice did not reach the expected state: " + (await StatusAsync(admin, id)).ToJsonString());
    }

    public static bool Finished(JsonObject s) => s["status"]!.GetValue<string>() == "sent";

    public static int Int(JsonObject s, string key) => s[key]!.GetValue<int>();

    public static string Text(JsonNode? node) => node?.ToJsonString(ProtocolJson.Options) ?? "";

    /// <summary>Notice cards POSTed into one conversation (welcome cards excluded).</summary>
    public static List<JsonObject> NoticePosts(BotApp app, string conversationId, string title) => app.Connector.Posts
        .Where(c => c.Path.Contains(Uri.EscapeDataString(conversationId), StringComparison.Ordinal) && Text(c.Body).Contains(title, StringComparison.Ordinal))
        .Select(c => (JsonObject)c.Body!).ToList();

    public static int ReferenceCount(BotApp app) => app.WithDb(db => db.Set<ConversationRef>().Count());
}
