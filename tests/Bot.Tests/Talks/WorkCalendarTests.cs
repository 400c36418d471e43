using System.Net;
using System.Text.Json.Nodes;
using Bot.App.Cards;
using Bot.App.Talks;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Bot.Tests.Talks;

public sealed class WorkCalendarTests
{
    private static WorkCalendar Shipped() => new(Path.Combine(AppContext.BaseDirectory, "Talks", "holidays.json"));

    [Theory]
    [InlineData("2026-10-01", false)] // 国庆
    [InlineData("2026-10-09", true)]
    [InlineData("2026-10-10", true)]  // 调休 Saturday
    [InlineData("2026-10-11", false)] // ordinary Sunday
    [InlineData("2026-02-14", true)]  // 调休 Saturday before 春节
    [InlineData("2026-02-16", false)] // 春节
    [InlineData("2025-01-28", false)]
    [InlineData("2025-01-26", true)]  // 调休 Sunday
    public void ShippedCalendarKnowsHolidaysAndMakeUpWorkdays(string day, bool workday) =>
        Assert.Equal(workday, Shipped().IsWorkday(DateOnly.Parse(day, System.Globalization.CultureInfo.InvariantCulture)));

    [Fact]
    public void UnknownYearFallsBackToWeekendsOnly()
    {
        var calendar = Shipped();
        Assert.False(calendar.Covers(new DateOnly(2030, 1, 1)));
        Assert.True(calendar.IsWorkday(new DateOnly(2030, 1, 1))); // a Tuesday; no invented holiday
        Assert.False(calendar.IsWorkday(new DateOnly(2030, 1, 5)));
    }

    [Fact]
    public void QuietHoursAreShanghaiTime()
    {
        var calendar = Shipped();
        // 2026-11-25 12:30 UTC is 20:30 in Shanghai (allowed); 13:30 UTC is 21:30 (quiet) whatever the client's zone.
        Assert.True(calendar.IsPushAllowed(new DateTimeOffset(2026, 11, 25, 12, 30, 0, TimeSpan.Zero)));
        Assert.False(calendar.IsPushAllowed(new DateTimeOffset(2026, 11, 25, 13, 30, 0, TimeSpan.Zero)));
        Assert.False(calendar.IsPushAllowed(new DateTimeOffset(2026, 11, 24, 23, 30, 0, TimeSpan.Zero))); // 07:30
        Assert.Equal(new DateTimeOffset(2026, 11, 26, 9, 0, 0, TimeSpan.FromHours(8)),
            calendar.NextAllowed(new DateTimeOffset(2026, 11, 25, 13, 30, 0, TimeSpan.Zero), 9));
    }

    [Fact]
    public async Task HealthIsDegradedWhenCalendarMissesTheNext60DaysAndAdminIsWarned()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 11, 25, 2, 0, 0, TimeSpan.Zero));
        using var app = new BotApp(clock);
        var health = await app.CreateClient().GetAsync("/healthz");
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        Assert.Equal("Degraded", await health.Content.ReadAsStringAsync());

        TalkWorld.Seed(app);
        var response = await app.AdminClient().PostAsync("/api/admin/campaigns", new StringContent(
            """{"title":"年终约谈","kind":"廉政谈话","deadline":"2027-01-15","scope":{"leaders":["wangqiang@demo.gov.cn"]}}""",
            System.Text.Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Contains("没有 2027 年的数据", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task DataDirectoryFileOverridesShippedCalendar()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 11, 25, 2, 0, 0, TimeSpan.Zero));
        var dir = Path.Combine(Path.GetTempPath(), "bot-tests-cal-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        // A test-only file (not a real schedule): it only has to cover the next 60 days.
        await File.WriteAllTextAsync(Path.Combine(dir, "holidays.json"),
            """{"years":{"2026":{"holidays":[],"workdays":[]},"2027":{"holidays":["2027-01-04"],"workdays":[]}}}""");
        using var app = new BotApp(clock, new Dictionary<string, string?> { ["Data:Directory"] = dir });
        Assert.Equal("Healthy", await (await app.CreateClient().GetAsync("/healthz")).Content.ReadAsStringAsync());
        Assert.False(app.Services.GetRequiredService<WorkCalendar>().IsWorkday(new DateOnly(2027, 1, 4)));
    }

    public static TheoryData<string> TalkCards => new() { "talk-reminder", "talk-escalation", "talk-extension-form", "talk-extension-review",
        "campaign-form", "campaign-launched", "talk-progress", "report-form", "report-receipt" };

    [Theory]
    [MemberData(nameof(TalkCards))]
    public void TemplateExpandsItsSampleIntoAValidCard(string name)
    {
        var cards = new CardTemplates(Path.Combine(AppContext.BaseDirectory, "cards"));
        var sample = JsonNode.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "cards", "samples", name + ".data.json")))!;
        var card = cards.Render(name, sample);
        var text = card.ToJsonString();
        Assert.DoesNotContain("${", text);
        Assert.Equal("1.5", card["version"]!.GetValue<string>());
        foreach (var action in Descendants(card).OfType<JsonObject>().Where(o => o["type"]?.GetValue<string>() == "Action.Execute"))
        {
            var verb = action["verb"]!.GetValue<string>();
            Assert.Equal(verb, action["data"]!["verb"]!.GetValue<string>());
            var fallback = Assert.IsType<JsonObject>(action["fallback"]);
            Assert.Equal("Action.Submit", fallback["type"]!.GetValue<string>());
            Assert.Equal(verb, fallback["data"]!["verb"]!.GetValue<string>());
        }
    }

    private static IEnumerable<JsonNode> Descendants(JsonNode node)
    {
        yield return node;
        IEnumerable<JsonNode?> children = node switch { JsonObject o => o.Select(p => p.Value), JsonArray a => a, _ => [] };
        foreach (var child in children.OfType<JsonNode>())
            foreach (var d in Descendants(child))
                yield return d;
    }
}
