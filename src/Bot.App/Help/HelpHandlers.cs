using Bot.App.Cards;
using Bot.Protocol.Routing;

namespace Bot.App.Help;

public static partial class HelpHandlers
{
    public static readonly string[] Keywords = ["帮助", "help", "?", "？", "菜单"];

    /// <summary>Verb of the topic buttons on the help card (Action.Execute, Action.Submit fallback).</summary>
    public const string TopicVerb = "help.topic";

    public static ActivityRouter MapHelpHandlers(this ActivityRouter router) => router
        .OnCommand("help", Keywords, async (turn, ct) =>
        {
            // "帮助 填报" opens the help card with that topic already expanded.
            var rest = turn.Text.Split(' ', 2, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            var topic = rest.Length > 1 ? HelpTopics.Find(rest[1]) : null;
            await turn.SendCardAsync(Render(turn, topic), ct, summary: "使用帮助");
        })
        .OnCardAction(TopicVerb, (turn, action, _) =>
        {
            var key = action.GetString("topic");
            if (HelpTopics.Find(key) is not { } topic)
            {
                LogUnknownTopic(turn.Services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(HelpHandlers)), key ?? "(none)");
                return Task.FromResult(CardActionResult.Refuse("没有这个帮助主题，请发送“帮助”重新打开帮助卡片。"));
            }
            return Task.FromResult(CardActionResult.ReplaceWith(Render(turn, topic)));
        });

    private static System.Text.Json.Nodes.JsonObject Render(TurnContext turn, HelpTopic? topic) =>
        turn.Services.GetRequiredService<CardTemplates>().Render("help", HelpTopics.CardData(topic));

    [LoggerMessage(Level = LogLevel.Warning, Message = "Help card action with unknown topic {Topic}")]
    private static partial void LogUnknownTopic(ILogger logger, string topic);
}
