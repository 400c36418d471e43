using Bot.App.Cards;
using Bot.Protocol.Routing;

namespace Bot.App.Help;

public static class HelpHandlers
{
    public static readonly string[] Keywords = ["帮助", "help", "?", "？", "菜单"];

    public static ActivityRouter MapHelpHandlers(this ActivityRouter router) =>
        router.OnCommand("help", Keywords, async (turn, ct) =>
        {
            var cards = turn.Services.GetRequiredService<CardTemplates>();
            await turn.SendCardAsync(cards.Render("help", new { }), ct, summary: "使用帮助");
        });
}
