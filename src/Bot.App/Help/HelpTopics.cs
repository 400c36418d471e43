namespace Bot.App.Help;

/// <summary>One expandable section of the help card: the button caption is the key.</summary>
public sealed record HelpTopic(string Key, string Title, IReadOnlyList<string> Lines);

public static class HelpTopics
{
    public static readonly IReadOnlyList<HelpTopic> All =
    [
        new("任务", "我的任务", [
            "发送“我的任务”查看您名下待完成的廉政约谈任务、截止日期和完成进度（如 已完成 2/5）。",
            "任务提醒卡片上可直接点“填报完成情况”“申请延期”或“稍后提醒”。",
        ]),
        new("填报", "填报约谈完成情况", [
            "发送“填报”，按提示逐步填写约谈对象、日期和谈话要点；随时发送“取消”退出。",
            "也可一句话填报，如“已完成 11月20日 与财务科谈话”。",
            "截止日期前可修改已填报的内容，修改记录会保留。",
        ]),
        new("进度", "查看进度", [
            "领导发送“进度”查看本人及分管单位的完成情况。",
            "管理员发送“进度”查看整个约谈任务的完成情况，可逐级展开。",
        ]),
        new("问答", "党规党纪问答", [
            "在单聊中直接提问，如“收了老板2000块红包会怎样”。",
            "查询条款原文，如“处分条例第八十八条”。",
            "回答附条款原文和出处，仅供学习参考，以正式文件为准。",
            "在群聊中请先 @ 机器人再提问。",
        ]),
        new("通知", "通知与已阅", [
            "管理员发布的通知会推送到您的单聊。",
            "需要确认的通知请点“已阅”，按钮会变为“已阅 ✓”并记录时间。",
            "管理员发送“发通知”撰写、预览并发布通知，可查看送达和已阅情况。",
        ]),
    ];

    public static HelpTopic? Find(string? key) =>
        string.IsNullOrWhiteSpace(key) ? null : All.FirstOrDefault(t => t.Key == key.Trim() || t.Title == key.Trim());

    /// <summary>Data for cards/help.json; <paramref name="topic"/> is shown expanded when given.</summary>
    public static object CardData(HelpTopic? topic) => new
    {
        hasTopic = topic is not null,
        showHint = topic is null,
        topic = topic is null ? null : new { title = topic.Title, lines = topic.Lines.Select(l => new { text = l }).ToArray() },
    };
}
