using System.Text.Json.Nodes;
using Bot.App.Cards;
using Bot.App.Data;
using Bot.Protocol.Routing;
using Microsoft.EntityFrameworkCore;

namespace Bot.App.Regulations;

/// <summary>Question → answer card, article-reference lookups, feedback and the 常见问题 statistics.</summary>
public sealed partial class RegulationQa(
    RegulationLibrary library, RegulationSearch search, CardTemplates cards, BotDbContext db, TimeProvider time, ILogger<RegulationQa> logger)
{
    /// <summary>
    /// Top-1 confidence (see <see cref="SearchHit"/>) below which the bot says it found nothing directly relevant and lists the closest matches.
    /// Chosen on the STARD train split by `regulations benchmark` (lowest threshold with J near the best), see the curve in docs/benchmarks.md.
    /// </summary>
    public const float MinConfidence = 0.55f;

    /// <summary>Article text longer than this is collapsed behind 展开.</summary>
    public const int PreviewLength = 100;

    /// <summary>Keeps the card under the 28 KB budget for the longest articles.</summary>
    public const int MaxTextLength = 6000;

    /// <summary>How long "第八十八条" without a name still refers to the regulation of the previous answer.</summary>
    public static readonly TimeSpan ContextLifetime = TimeSpan.FromHours(2);

    public static string ConversationKey(TurnContext turn) => $"{turn.Activity.ChannelId}|{turn.Activity.Conversation?.Id}";

    public RegulationSnapshot Snapshot => library.Current;

    public bool IsReference(string text) =>
        text.Length <= 40 && search.ParseReference(library.Current, text) is not null;

    public async Task<RegulationReply> AnswerAsync(TurnContext turn, string question, CancellationToken ct)
    {
        var snapshot = library.Current;
        if (snapshot.Searcher is null)
            return Message("规定库还是空的：请管理员先导入规定文本（见 README 的 Regulations 一节）。");
        var hits = search.Search(snapshot, question, 5);
        var found = hits.Count > 0 && hits[0].Confidence >= MinConfidence;
        var confidence = hits.Count > 0 ? hits[0].Confidence : 0;
        var log = await LogAsync(turn, question, found ? hits[0].Article : null, confidence, found, ct);
        LogQuestion(logger, log.Id, found, confidence);
        return found
            ? ArticleCard(snapshot, hits[0].Article, log.Id, hits.Skip(1).Select(h => h.Article))
            : NotFoundCard(question, log.Id, hits.Take(4).Select(h => h.Article));
    }

    /// <summary>"处分条例第23条", "第八十八条", "383条".</summary>
    public async Task<RegulationReply> LookupAsync(TurnContext turn, string text, CancellationToken ct)
    {
        var snapshot = library.Current;
        if (search.ParseReference(snapshot, text) is not { } reference)
            return await AnswerAsync(turn, text, ct);
        var key = ConversationKey(turn);
        var since = time.GetUtcNow() - ContextLifetime;
        var context = await db.Set<RegulationQuestion>().AsNoTracking()
            .Where(q => q.ConversationKey == key && q.Title != null && q.AskedAt >= since)
            .OrderByDescending(q => q.AskedAt).ThenByDescending(q => q.Id)
            .Select(q => q.Title).FirstOrDefaultAsync(ct);
        switch (search.Lookup(snapshot, reference, context))
        {
            case LookupResult.Found f:
                var log = await LogAsync(turn, text, f.Article, 0, true, ct);
                return ArticleCard(snapshot, f.Article, log.Id, Neighbours(snapshot, f.Article));
            case LookupResult.Ambiguous a:
                await LogAsync(turn, text, null, 0, false, ct);
                return cards.Render("regulation-choose", new
                {
                    label = ChineseNumerals.ArticleLabel(reference.Number, reference.Sub),
                    count = a.Candidates.Count,
                    choices = a.Candidates.Take(6).Select(c => Button(c, 0)).ToList(),
                    more = a.Candidates.Count > 6,
                });
            case LookupResult.Missing m:
                await LogAsync(turn, text, null, 0, false, ct);
                return Message(m.Message);
            default:
                throw new InvalidOperationException("unknown lookup result");
        }
    }

    /// <summary>A related-article button was pressed.</summary>
    public JsonObject? ArticleByKey(string? doc, int number, int sub, int questionId)
    {
        var snapshot = library.Current;
        return doc is null || snapshot.Find(doc, number, sub) is not { } a
            ? null
            : ArticleCard(snapshot, a, questionId, Neighbours(snapshot, a));
    }

    public async Task<bool> FeedbackAsync(TurnContext turn, int questionId, string value, CancellationToken ct)
    {
        var key = ConversationKey(turn);
        var q = await db.Set<RegulationQuestion>().FirstOrDefaultAsync(x => x.Id == questionId && x.ConversationKey == key, ct);
        if (q is null)
            return false;
        q.Feedback = value;
        q.FeedbackAt = time.GetUtcNow();
        await db.SaveChangesAsync(ct);
        return true;
    }

    /// <summary>The 常见问题 view: most asked questions, and the ones we could not answer (what to import next).</summary>
    public async Task<FaqStats> StatsAsync(int days, CancellationToken ct)
    {
        var since = time.GetUtcNow() - TimeSpan.FromDays(days);
        var rows = await db.Set<RegulationQuestion>().AsNoTracking().Where(q => q.AskedAt >= since).ToListAsync(ct);
        var top = rows.GroupBy(r => r.Question.Trim())
            .Select(g => new FaqEntry(g.Key, g.Count(), g.Count(r => r.Feedback == "useful"), g.Count(r => r.Feedback == "notfound"),
                g.OrderByDescending(r => r.AskedAt).First() is var last && last.Title is not null ? $"《{last.Title}》{last.Article}" : "未找到"))
            .OrderByDescending(e => e.Count).ThenBy(e => e.Question, StringComparer.Ordinal).Take(20).ToList();
        var unanswered = rows.Where(r => !r.Found || r.Feedback == "notfound")
            .OrderByDescending(r => r.AskedAt).Select(r => r.Question).Distinct().Take(20).ToList();
        return new FaqStats(days, rows.Count, rows.Count(r => r.Found), rows.Count(r => r.Feedback == "useful"),
            rows.Count(r => r.Feedback == "notfound"), top, unanswered);
    }

    public JsonObject FaqCard(FaqStats s) => cards.Render("regulation-faq", new
    {
        s.Days,
        s.Total,
        s.Found,
        s.Useful,
        s.NotFound,
        hasTop = s.Top.Count > 0,
        noTop = s.Top.Count == 0,
        top = s.Top.Select((e, i) => new { text = $"{i + 1}. {e.Question}", detail = $"{e.Count} 次 · 有用 {e.Useful} · 没找到 {e.NotFound} · {e.Answer}" }).ToList(),
        hasUnanswered = s.Unanswered.Count > 0,
        unanswered = s.Unanswered.Select(q => new { text = "· " + q }).ToList(),
    });

    private static IEnumerable<ArticleEntry> Neighbours(RegulationSnapshot s, ArticleEntry a)
    {
        var articles = s.Document(a)?.Articles ?? [];
        var i = articles.ToList().FindIndex(x => x.Number == a.Number && x.Sub == a.Sub);
        return new[] { i - 1, i + 1, i + 2 }.Where(j => i >= 0 && j >= 0 && j < articles.Count).Select(j => articles[j]);
    }

    private JsonObject ArticleCard(RegulationSnapshot s, ArticleEntry a, int questionId, IEnumerable<ArticleEntry> related)
    {
        var text = a.Text.Length > MaxTextLength ? a.Text[..MaxTextLength] + "……（全文较长，已截断，请查阅原文）" : a.Text;
        var superseded = !s.IsCurrent(a);
        return cards.Render("regulation-answer", new
        {
            questionId,
            title = a.Title,
            label = a.Label,
            path = a.FullPath,
            hasPath = a.FullPath.Length > 0,
            version = superseded ? $"历史版本（{a.Version:yyyy-MM-dd}），现行版本另有规定" : a.Version is { } v ? $"版本：{v:yyyy-MM-dd}" : "",
            hasVersion = superseded || a.Version is not null,
            preview = text.Length > PreviewLength ? text[..PreviewLength] + "……" : text,
            fullText = text,
            collapsed = text.Length > PreviewLength,
            expanded = text.Length <= PreviewLength,
            related = related.Take(4).Select(r => Button(r, questionId)).ToList(),
            hasRelated = related.Any(),
        });
    }

    private JsonObject NotFoundCard(string question, int questionId, IEnumerable<ArticleEntry> closest)
    {
        var list = closest.Select(c => Button(c, questionId)).ToList();
        return cards.Render("regulation-notfound", new { question, questionId, closest = list, hasClosest = list.Count > 0, noClosest = list.Count == 0 });
    }

    private static object Button(ArticleEntry a, int questionId) => new
    {
        button = $"《{Short(a.Title)}》{a.Label}",
        doc = a.DocKey,
        num = a.Number,
        sub = a.Sub,
        qid = questionId,
    };

    private static string Short(string title) =>
        title.StartsWith("中华人民共和国", StringComparison.Ordinal) && title.Length > 9 ? title[7..] : title;

    private static RegulationReply Message(string text) => new(null, text);

    private async Task<RegulationQuestion> LogAsync(TurnContext turn, string question, ArticleEntry? answer, float score, bool found, CancellationToken ct)
    {
        var entry = new RegulationQuestion
        {
            AskedAt = time.GetUtcNow(),
            ConversationKey = ConversationKey(turn),
            UserName = turn.Activity.From?.Name,
            Question = question.Length > 500 ? question[..500] : question,
            Title = answer?.Title,
            Article = answer?.Label,
            Score = float.IsFinite(score) ? score : 0,
            Found = found,
        };
        db.Add(entry);
        await db.SaveChangesAsync(ct);
        return entry;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Regulation question {QuestionId} answered: found={Found} confidence={Confidence}")]
    private static partial void LogQuestion(ILogger logger, int questionId, bool found, float confidence);
}

/// <summary>A card, or a plain sentence when there is nothing to show.</summary>
public sealed record RegulationReply(JsonObject? Card, string? Text)
{
    public static implicit operator RegulationReply(JsonObject card) => new(card, null);

    public Task SendAsync(TurnContext turn, CancellationToken ct) =>
        Card is { } c ? turn.SendCardAsync(c, ct, summary: "规定问答") : turn.SendTextAsync(Text ?? "", ct);
}

public sealed record FaqEntry(string Question, int Count, int Useful, int NotFound, string Answer);

public sealed record FaqStats(int Days, int Total, int Found, int Useful, int NotFound, IReadOnlyList<FaqEntry> Top, IReadOnlyList<string> Unanswered);
