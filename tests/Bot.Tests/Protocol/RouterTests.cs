using System.Text.Json.Nodes;
using Bot.Protocol;
using Bot.Protocol.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;

namespace Bot.Tests.Protocol;

public sealed class RouterTests
{
    private sealed class RecordingSender : IActivitySender
    {
        public List<(string Op, Activity Activity)> Sent { get; } = [];

        public Task<string?> SendAsync(ConversationAddress to, Activity activity, CancellationToken ct)
        {
            Sent.Add(("send", activity));
            return Task.FromResult<string?>("id-" + Sent.Count);
        }

        public Task UpdateAsync(ConversationAddress to, string activityId, Activity activity, CancellationToken ct)
        {
            Sent.Add(("update:" + activityId, activity));
            return Task.CompletedTask;
        }

        public Task DeleteAsync(ConversationAddress to, string activityId, CancellationToken ct) => Task.CompletedTask;
    }

    private readonly RecordingSender sender = new();
    private readonly ActivityRouter router = new(NullLogger<ActivityRouter>.Instance);
    private readonly IServiceProvider services = new ServiceCollection().BuildServiceProvider();

    private Task<InvokeResponse?> RouteAsync(JsonObject json) =>
        router.RouteAsync(new TurnContext(ProtocolJson.ParseActivity(json.ToJsonString())!, sender, services), CancellationToken.None);

    private static TextMatcher Always => (_, _) => ValueTask.FromResult(true);

    private TurnHandler Record(List<string> log, string name) => (_, _) =>
    {
        log.Add(name);
        return Task.CompletedTask;
    };

    [Fact]
    public async Task TextPrecedenceIsDialogThenCommandThenIntentThenFallbackWhateverTheRegistrationOrder()
    {
        var log = new List<string>();
        var dialogActive = true;
        var intentMatches = true;
        router.OnText(TextStage.Fallback, "qa", Always, Record(log, "fallback"));
        router.OnText(TextStage.Intent, "report", (_, _) => ValueTask.FromResult(intentMatches), Record(log, "intent"));
        router.OnCommand("help", ["帮助"], Record(log, "command"));
        router.OnText(TextStage.Dialog, "dialog", (_, _) => ValueTask.FromResult(dialogActive), Record(log, "dialog"));

        await RouteAsync(TestUser.Alex.Message("帮助"));
        dialogActive = false;
        await RouteAsync(TestUser.Alex.Message("帮助"));
        await RouteAsync(TestUser.Alex.Message("已完成 约谈"));
        intentMatches = false;
        await RouteAsync(TestUser.Alex.Message("什么是廉政谈话"));

        Assert.Equal(["dialog", "command", "intent", "fallback"], log);
    }

    [Fact]
    public void DuplicateRegistrationsThrow()
    {
        router.OnCommand("help", ["帮助", "help"], (_, _) => Task.CompletedTask);
        router.OnCardAction("task.done", (_, _, _) => Task.FromResult(CardActionResult.Say("")));
        router.OnInvoke("task/fetch", (_, _) => Task.FromResult(InvokeResponse.NotImplemented));
        router.OnActivity(ActivityTypes.InstallationUpdate, (_, _) => Task.CompletedTask);
        router.OnText(TextStage.Intent, "report", Always, (_, _) => Task.CompletedTask);

        Assert.Throws<InvalidOperationException>(() => router.OnCommand("other", ["HELP"], (_, _) => Task.CompletedTask));
        Assert.Throws<InvalidOperationException>(() => router.OnCommand("help", ["菜单"], (_, _) => Task.CompletedTask));
        Assert.Throws<InvalidOperationException>(() => router.OnCardAction("task.done", (_, _, _) => Task.FromResult(CardActionResult.Say(""))));
        Assert.Throws<InvalidOperationException>(() => router.OnInvoke("task/fetch", (_, _) => Task.FromResult(InvokeResponse.NotImplemented)));
        Assert.Throws<InvalidOperationException>(() => router.OnInvoke(InvokeNames.AdaptiveCardAction, (_, _) => Task.FromResult(InvokeResponse.NotImplemented)));
        Assert.Throws<InvalidOperationException>(() => router.OnActivity(ActivityTypes.InstallationUpdate, (_, _) => Task.CompletedTask));
        Assert.Throws<InvalidOperationException>(() => router.OnText(TextStage.Fallback, "report", Always, (_, _) => Task.CompletedTask));
    }

    [Fact]
    public async Task ActionExecuteAndActionSubmitReachTheSameCardActionHandler()
    {
        var seen = new List<(string Verb, string? Value, string? CardId)>();
        var card = new JsonObject { ["type"] = "AdaptiveCard", ["version"] = "1.5" };
        router.OnCardAction("talk.done", (_, action, _) =>
        {
            seen.Add((action.Verb, action.GetString("note"), action.CardActivityId));
            return Task.FromResult(CardActionResult.ReplaceWith(card));
        });

        var response = await RouteAsync(TestUser.Alex.Execute("talk.done", new JsonObject { ["verb"] = "talk.done", ["note"] = "执行" }, "card-1"));
        await RouteAsync(TestUser.Alex.Submit(new JsonObject { ["verb"] = "talk.done", ["note"] = "提交" }, "card-2"));

        Assert.Equal([("talk.done", "执行", "card-1"), ("talk.done", "提交", "card-2")], seen);
        var body = Assert.IsType<AdaptiveCardInvokeResponse>(response!.Body);
        Assert.Equal(InvokeResponse.CardType, body.Type);
        // Both paths keep the stored card message in step with a PUT.
        Assert.Equal(["update:card-1", "update:card-2"], sender.Sent.Select(s => s.Op));
    }

    [Fact]
    public async Task UnhandledInvokesAnswer501()
    {
        Assert.Equal(501, (await RouteAsync(TestUser.Alex.Activity(ActivityTypes.Invoke)))!.Status);
        var fetch = TestUser.Alex.Activity(ActivityTypes.Invoke);
        fetch["name"] = "task/fetch";
        Assert.Equal(501, (await RouteAsync(fetch))!.Status);
        Assert.Equal(501, (await RouteAsync(TestUser.Alex.Execute("nobody.handles", [], "c")))!.Status);
    }

    [Fact]
    public async Task InGroupChatsTextIsIgnoredUnlessTheBotIsMentioned()
    {
        var texts = new List<string>();
        router.OnText(TextStage.Fallback, "echo", Always, (turn, _) =>
        {
            texts.Add(turn.Text);
            return Task.CompletedTask;
        });
        JsonObject Group(string text, string? mentionedId)
        {
            var a = TestUser.Alex.Message(text);
            a["conversation"] = new JsonObject { ["id"] = "19:abc@thread.v2", ["conversationType"] = "groupChat", ["isGroup"] = true };
            if (mentionedId is not null)
                a["entities"] = new JsonArray(new JsonObject
                {
                    ["type"] = "mention",
                    ["text"] = text[..(text.IndexOf("</at>", StringComparison.Ordinal) + 5)],
                    ["mentioned"] = new JsonObject { ["id"] = mentionedId, ["name"] = "x" },
                });
            return a;
        }
        var botId = "28:" + Fakes.TestTokens.AppId;

        await RouteAsync(Group("大家好", null));
        await RouteAsync(Group("<at>王强</at> 请看一下", "29:wang"));
        await RouteAsync(Group("<at>廉政约谈助手</at>&nbsp;帮助 <at>王强</at>", botId));

        Assert.Equal(["帮助 王强"], texts);
        Assert.Empty(sender.Sent);
    }

    [Theory]
    [InlineData("<at>Bot</at> 帮助", "帮助")]
    [InlineData("帮助 <at>Bot</at>", "帮助")]
    [InlineData("  <AT>Bot</AT>\n进度  ", "进度")]
    [InlineData("plain", "plain")]
    public void MentionsOfTheBotAreStrippedWithoutEntitiesToo(string text, string expected)
    {
        var activity = new Activity { Type = ActivityTypes.Message, Text = text };
        Assert.Equal(expected, new TurnContext(activity, sender, services).Text);
    }

    [Fact]
    public async Task PersonalTextNoRouteMatchesGetsAPoliteChineseAnswer()
    {
        await RouteAsync(TestUser.Alex.Message("随便说点什么"));
        Assert.Contains("帮助", Assert.Single(sender.Sent).Activity.Text);
    }
}
