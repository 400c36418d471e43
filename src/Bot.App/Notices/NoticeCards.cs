using System.Text.Json.Nodes;
using Bot.App.Cards;
using Bot.Protocol;

namespace Bot.App.Notices;

/// <summary>The recipient's card in each state; the preview, the send and every later PUT use this one generator.</summary>
public sealed class NoticeCards(CardTemplates cards)
{
    public JsonObject Card(Notice notice, DateTimeOffset? ackedAt, int reminders = 0)
    {
        if (notice.Status == NoticeStatus.Withdrawn)
            return cards.Render("notice-withdrawn", new
            {
                title = notice.Title,
                withdrawnText = notice.WithdrawnAt is { } w ? NoticeTime.Short(w) : "",
            });
        var banner = reminders > 0 && notice.RequireAck && ackedAt is null ? "再次提醒：请阅读后点击“已阅”" : "";
        return cards.Render("notice", new
        {
            noticeId = notice.Id.ToString(System.Globalization.CultureInfo.InvariantCulture),
            title = notice.Title,
            body = notice.Body,
            links = NoticeService.Links(notice).Select(l => new { title = l.Title, url = l.Url }),
            hasBanner = banner.Length > 0,
            banner,
            corrected = notice.CorrectedAt is not null,
            correctedText = notice.CorrectedAt is { } c ? "已更正 " + NoticeTime.Short(c) : "",
            acked = ackedAt is not null,
            ackedText = ackedAt is { } a ? "已阅 ✓ " + NoticeTime.Short(a) : "",
            showAckButton = notice.RequireAck && ackedAt is null,
        });
    }

    /// <summary>The message activity: summary and an activity-feed alert so the notice is not missed.</summary>
    public Activity Activity(Notice notice, DateTimeOffset? ackedAt, int reminders = 0)
    {
        var activity = Bot.Protocol.Activity.FromCard(Card(notice, ackedAt, reminders), "通知：" + notice.Title);
        activity.ChannelData = new JsonObject { ["notification"] = new JsonObject { ["alert"] = true } };
        return activity;
    }
}
