using Bot.App.Identity;
using Bot.Protocol.Routing;

namespace Bot.App.Regulations;

/// <summary>
/// Chat: any text no other feature claims is a question (TextStage.Fallback); a bare article reference
/// ("第八十八条", "处分条例第23条") is an intent; related-article and feedback buttons; 常见问题 for admins.
/// </summary>
public static class RegulationHandlers
{
    public const string ArticleVerb = "reg.article";
    public const string FeedbackVerb = "reg.feedback";
    public static readonly string[] FaqKeywords = ["常见问题", "问答统计"];

    public static ActivityRouter MapRegulationHandlers(this ActivityRouter router) => router
        .OnCommand("regulations.faq", FaqKeywords, async (turn, ct) =>
        {
            var caller = await turn.Services.GetRequiredService<CallerResolver>().ResolveAsync(turn, ct);
            if (!caller.IsAdmin)
            {
                await turn.SendTextAsync("“常见问题”统计仅管理员可以查看。您可以直接提问，例如“收了红包会怎样”。", ct);
                return;
            }
            var qa = turn.Services.GetRequiredService<RegulationQa>();
            await turn.SendCardAsync(qa.FaqCard(await qa.StatsAsync(30, ct)), ct, summary: "常见问题");
        })
        .OnText(TextStage.Intent, "regulations.article-reference",
            (turn, _) => ValueTask.FromResult(turn.Services.GetRequiredService<RegulationQa>().IsReference(turn.Text)),
            async (turn, ct) => await (await turn.Services.GetRequiredService<RegulationQa>().LookupAsync(turn, turn.Text, ct)).SendAsync(turn, ct))
        .OnText(TextStage.Fallback, "regulations.question",
            (_, _) => ValueTask.FromResult(true),
            async (turn, ct) => await (await turn.Services.GetRequiredService<RegulationQa>().AnswerAsync(turn, turn.Text, ct)).SendAsync(turn, ct))
        .OnCardAction(ArticleVerb, (turn, action, _) =>
        {
            var qa = turn.Services.GetRequiredService<RegulationQa>();
            var card = qa.ArticleByKey(action.GetString("doc"), Int(action, "num"), Int(action, "sub"), Int(action, "qid"));
            return Task.FromResult(card is null
                ? CardActionResult.Refuse("这条规定已不在规定库中（可能已被重新导入），请重新提问。")
                : CardActionResult.ReplaceWith(card));
        })
        .OnCardAction(FeedbackVerb, async (turn, action, ct) =>
        {
            var value = action.GetString("value");
            if (value is not ("useful" or "notfound"))
                return CardActionResult.Refuse("无法识别的反馈。");
            var qa = turn.Services.GetRequiredService<RegulationQa>();
            if (!await qa.FeedbackAsync(turn, Int(action, "qid"), value, ct))
                return CardActionResult.Refuse("找不到这次提问的记录，反馈未保存。");
            return CardActionResult.Say(value == "useful"
                ? "感谢反馈！"
                : "已记录：这个问题没有找到合适的条款。管理员会据此补充规定文本，您也可以换个说法再问一次。");
        });

    private static int Int(CardAction action, string key) => int.TryParse(action.GetString(key), out var v) ? v : 0;
}
