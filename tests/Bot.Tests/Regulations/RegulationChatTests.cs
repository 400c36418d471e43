using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Bot.App.Regulations;
using Bot.Protocol;

namespace Bot.Tests.Regulations;

/// <summary>The shipped （示例） document is imported on first start, so a fresh bot answers from it.</summary>
public sealed class RegulationChatTests
{
    private const string Sample = "某县委组织部廉政谈话工作办法（示例）";

    private static string Json(JsonNode node) => node.ToJsonString(ProtocolJson.Options);

    private static IEnumerable<JsonObject> Walk(JsonNode? node)
    {
        if (node is JsonObject o)
        {
            yield return o;
            foreach (var (_, child) in o)
                foreach (var x in Walk(child))
                    yield return x;
        }
        else if (node is JsonArray a)
        {
            foreach (var child in a)
                foreach (var x in Walk(child))
                    yield return x;
        }
    }

    private static IEnumerable<JsonObject> Actions(JsonNode card, string verb) =>
        Walk(card).Where(o => o["type"]?.GetValue<string>() == "Action.Execute" && o["verb"]?.GetValue<string>() == verb);

    [Fact]
    public async Task AQuestionGetsTheArticleWithPathRelatedButtonsAndFeedback()
    {
        using var app = new BotApp();
        await app.SendAsync(TestUser.Alex.Message("谈话记录表保存期限是几年"));

        var card = Assert.Single(app.Connector.Cards);
        var json = Json(card);
        Assert.Contains($"《{Sample}》第十二条", json);
        Assert.Contains("第三章 谈话程序", json);
        Assert.Contains("保存期限不少于五年", json);
        var related = Actions(card, RegulationHandlers.ArticleVerb).ToList();
        Assert.InRange(related.Count, 2, 4);
        Assert.All(related, a =>
        {
            Assert.Equal(RegulationHandlers.ArticleVerb, a["data"]!["verb"]!.GetValue<string>());
            Assert.Equal("Action.Submit", a["fallback"]!["type"]!.GetValue<string>());
            Assert.Equal(RegulationHandlers.ArticleVerb, a["fallback"]!["data"]!["verb"]!.GetValue<string>());
        });
        Assert.Equal(["useful", "notfound"], Actions(card, RegulationHandlers.FeedbackVerb).Select(a => a["data"]!["value"]!.GetValue<string>()));
        var logged = app.WithDb(db => db.Set<RegulationQuestion>().Single());
        Assert.True(logged.Found);
        Assert.Equal("第十二条", logged.Article);
    }

    [Fact]
    public async Task LongArticlesAreCollapsedBehindAToggle()
    {
        using var app = new BotApp();
        await app.SendAsync(TestUser.Alex.Message("谈话流于形式会被追责吗"));

        var card = Assert.Single(app.Connector.Cards);
        Assert.Contains("第十七条", Json(card));
        var toggle = Walk(card).Single(o => o["type"]?.GetValue<string>() == "Action.ToggleVisibility");
        Assert.Equal(["preview", "fullText"], toggle["targetElements"]!.AsArray().Select(t => t!.GetValue<string>()));
        Assert.False(Walk(card).Single(o => o["id"]?.GetValue<string>() == "fullText")["isVisible"]!.GetValue<bool>());
    }

    [Fact]
    public async Task ClickingARelatedArticleShowsThatArticle()
    {
        using var app = new BotApp();
        await app.SendAsync(TestUser.Alex.Message("谈话记录表保存期限是几年"));
        var card = app.Connector.Cards.Single();
        var button = Actions(card, RegulationHandlers.ArticleVerb).First();
        var target = button["title"]!.GetValue<string>();

        var response = await app.SendAsync(TestUser.Alex.Execute(RegulationHandlers.ArticleVerb, button["data"]!.DeepClone().AsObject(), replyToId: "card-1"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonObject>();
        Assert.Contains(target.Split('》')[1], Json(body!["value"]!));
        Assert.Contains(app.Connector.Puts, p => Json(p.Body!).Contains(target.Split('》')[1]));

        // The Action.Submit fallback (older clients) gives the same article as a new card update.
        await app.SendAsync(TestUser.Alex.Submit(button["fallback"]!["data"]!.DeepClone().AsObject(), replyToId: "card-1"));
        Assert.True(app.Connector.Puts.Count(p => Json(p.Body!).Contains(target.Split('》')[1])) >= 2);
    }

    [Fact]
    public async Task AnUnrelatedQuestionIsHonestlyNotFound()
    {
        using var app = new BotApp();
        await app.SendAsync(TestUser.Alex.Message("今天晚上食堂吃什么菜"));

        var json = Json(Assert.Single(app.Connector.Cards));
        Assert.Contains("没有找到直接相关的条款", json);
        Assert.DoesNotContain("以上为已导入规定的原文摘录", json);
        Assert.False(app.WithDb(db => db.Set<RegulationQuestion>().Single().Found));
    }

    [Fact]
    public async Task FeedbackIsLoggedForAdmins()
    {
        using var app = new BotApp(config: new Dictionary<string, string?> { ["Bot:Admins:0"] = TestUser.Megan.AadObjectId });
        await app.SendAsync(TestUser.Alex.Message("谈话记录表保存期限是几年"));
        var useful = Actions(app.Connector.Cards.Single(), RegulationHandlers.FeedbackVerb).First();

        var response = await app.SendAsync(TestUser.Alex.Execute(RegulationHandlers.FeedbackVerb, useful["data"]!.DeepClone().AsObject(), "card-1"));

        var reply = await response.Content.ReadFromJsonAsync<JsonObject>();
        Assert.Contains("感谢反馈", reply!["value"]!.GetValue<string>());
        Assert.Equal("useful", app.WithDb(db => db.Set<RegulationQuestion>().Single().Feedback));

        await app.SendAsync(TestUser.Megan.Message("常见问题"));
        var faq = Json(app.Connector.Cards.Last());
        Assert.Contains("谈话记录表保存期限是几年", faq);
        Assert.Contains("有用 1", faq);

        var stats = await app.AdminClient().GetFromJsonAsync<JsonObject>("/api/admin/regulations/questions");
        Assert.Equal(1, stats!["useful"]!.GetValue<int>());
    }

    [Fact]
    public async Task MembersCannotSeeTheFaqStatistics()
    {
        using var app = new BotApp();
        await app.SendAsync(TestUser.Alex.Message("常见问题"));
        Assert.Contains(app.Connector.Calls, c => c.Body is not null && Json(c.Body).Contains("仅管理员"));
    }

    [Fact]
    public async Task AnArticleNumberAloneIsLookedUpInTheLibrary()
    {
        using var app = new BotApp();
        await app.SendAsync(TestUser.Alex.Message("第十七条讲的什么"));

        var json = Json(Assert.Single(app.Connector.Cards));
        Assert.Contains($"《{Sample}》第十七条", json);
        Assert.Contains("补写谈话记录", json);
    }

    [Fact]
    public async Task AdminApiListsAndSearchesTheLibrary()
    {
        using var app = new BotApp();
        _ = app.Services; // starts the host, which imports the sample
        var client = app.AdminClient();

        var list = await client.GetFromJsonAsync<JsonArray>("/api/admin/regulations");
        Assert.Equal(Sample, Assert.Single(list!)!["title"]!.GetValue<string>());
        Assert.Equal(20, list![0]!["articles"]!.GetValue<int>());
        var hits = await client.GetFromJsonAsync<JsonArray>("/api/admin/regulations/search?q=" + Uri.EscapeDataString("发现问题多久完成整改") + "&top=3");
        Assert.Equal("第十三条", hits![0]!["article"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.Unauthorized, (await app.CreateClient().GetAsync("/api/admin/regulations")).StatusCode);
    }

    [Fact]
    public async Task AdminApiImportsAnUploadedFileIntoTheRunningBot()
    {
        using var app = new BotApp();
        var client = app.AdminClient();
        var content = new StringContent(Fixtures.ReceptionText);
        var response = await client.PostAsync("/api/admin/regulations/import?name=" + Uri.EscapeDataString("公务接待.txt"), content);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);

        await app.SendAsync(TestUser.Alex.Message("接待时能送购物卡吗"));
        Assert.Contains($"《{Fixtures.ReceptionTitle}》第五条", Json(app.Connector.Cards.Last()));
    }
}
