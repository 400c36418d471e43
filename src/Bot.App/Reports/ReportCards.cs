using System.Globalization;
using System.Text.Json.Nodes;
using Bot.App.Cards;
using Bot.App.Talks;

namespace Bot.App.Reports;

public sealed class ReportCards(CardTemplates templates, TimeProvider time)
{
    private static string Join(IEnumerable<int> ids) => string.Join(",", ids.Select(i => i.ToString(CultureInfo.InvariantCulture)));

    /// <summary>The form, pre-filled from a previous report, a text draft or the rejected input, with errors on top.</summary>
    public JsonObject Form(Assignment assignment, ReportInput? values, IReadOnlyList<string> errors, string? draftNote = null)
    {
        var campaign = assignment.Campaign!;
        return templates.Render("report-form", new
        {
            assignmentId = assignment.Id,
            campaignTitle = campaign.Title,
            deadlineText = OrgTime.Format(assignment.Deadline),
            isDraft = draftNote is not null,
            draftNote = draftNote ?? "",
            hasErrors = errors.Count > 0,
            errorText = string.Join("\n", errors.Select(e => "• " + e)),
            talkDate = values?.TalkDate ?? "",
            form = values?.Form ?? "",
            targetsValue = Join(values?.Targets ?? []),
            targetChoices = assignment.Targets.Select(t => new { title = t.Unit is null ? t.Name : $"{t.Name}（{t.Unit}）", value = t.PersonId.ToString(CultureInfo.InvariantCulture) }),
            topicsValue = Join(values?.Topics ?? []),
            topicChoices = campaign.Topics.Select((t, i) => new { title = t, value = i.ToString(CultureInfo.InvariantCulture) }),
            summary = values?.Summary ?? "",
            problems = values?.Problems ?? "",
        });
    }

    public static ReportInput ValuesOf(TalkReport report, Assignment assignment) => new(
        report.TalkDate.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), report.Form,
        report.Covered.Select(c => c.PersonId).ToList(),
        report.Topics.Select(t => assignment.Campaign!.Topics.IndexOf(t)).Where(i => i >= 0).ToList(),
        report.Summary, report.Problems);

    public JsonObject Receipt(TalkReport report, Assignment assignment) =>
        templates.Render("report-receipt", new
        {
            assignmentId = assignment.Id,
            campaignTitle = assignment.Campaign!.Title,
            talkDateText = OrgTime.Format(report.TalkDate),
            form = report.Form + "约谈",
            targetsText = TalkCards.TargetsText(report.Covered),
            topicsText = $"{report.Topics.Count}/{assignment.Campaign.Topics.Count} 项" + (report.Topics.Count > 0 ? "：" + string.Join("；", report.Topics) : ""),
            summary = report.Summary,
            problems = report.Problems ?? "无",
            submittedText = OrgTime.FormatTime(report.SubmittedAt),
            versionText = report.Version == 1 ? "首次填报" : $"第 {report.Version} 版（已保留修改记录）",
            hasWarning = report.FewTopics,
            warning = "提示：本次谈话涉及的必谈主题较少，请注意把廉政要求谈深谈透，避免“谈业务多、谈廉政少”。",
            canEdit = time.GetUtcNow() < OrgTime.EndOf(assignment.Deadline),
        });
}
