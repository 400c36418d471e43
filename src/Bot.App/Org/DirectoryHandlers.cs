using System.Text;
using Bot.App.Conversations;
using Bot.Protocol.Routing;

namespace Bot.App.Org;

/// <summary>Chat side of the directory: linking on first contact, "导入名单" (pasted CSV) and "关联" for admins.</summary>
public static class DirectoryHandlers
{
    public const string ImportKeyword = "导入名单";
    public const string LinkKeyword = "关联";

    /// <summary>Register right after the conversation handlers: the link must exist before any feature resolves the caller.</summary>
    public static ActivityRouter MapDirectoryHandlers(this ActivityRouter router)
    {
        router.Use(async (turn, next, ct) =>
        {
            if (turn.Items.GetValueOrDefault(nameof(ConversationRef)) is ConversationRef { PersonId: null } reference)
                await turn.Services.GetRequiredService<AccountLinker>().LinkOnContactAsync(turn, reference, ct);
            await next();
        });
        router.OnText(TextStage.Command, "directory-import", (turn, _) => ValueTask.FromResult(IsImport(turn.Text)), ImportAsync);
        router.OnCommand("directory-link", [LinkKeyword], LinkAsync);
        return router;
    }

    /// <summary>"导入名单 …" or a message whose first line is the header (starts with 姓名 and names the 单位 column).</summary>
    public static bool IsImport(string text)
    {
        var start = DirectoryFile.PlainText(text.Length > 200 ? text[..200] : text).TrimStart();
        return start.StartsWith(ImportKeyword, StringComparison.Ordinal)
               || (start.StartsWith("姓名", StringComparison.Ordinal) && start.Split('\n', 2)[0].Contains("单位"));
    }

    private static async Task ImportAsync(TurnContext turn, CancellationToken ct)
    {
        if (await turn.RequireAdminAsync(ct) is not { } caller)
            return;
        var text = DirectoryFile.PlainText(turn.Text).Trim();
        if (text.StartsWith(ImportKeyword, StringComparison.Ordinal))
            text = text[ImportKeyword.Length..].TrimStart(' ', '：', ':', '\r', '\n');
        if (text.Length == 0)
        {
            await turn.SendTextAsync(
                $"请在“{ImportKeyword}”后换行粘贴名单：第一行为表头（{string.Join(",", DirectoryFile.Columns)}），之后每行一人，用逗号或制表符分隔。" +
                "也可直接粘贴以表头开头的名单。整份名单全部通过校验才会写入。", ct);
            return;
        }
        var org = turn.Services.GetRequiredService<OrgQueries>();
        var importer = turn.Services.GetRequiredService<DirectoryImporter>();
        var report = await importer.ImportAsync(DirectoryFile.ReadText(text), caller.Actor, await org.ScopePathAsync(caller, ct), null, ct);
        await turn.SendTextAsync(report.ToText(), ct);
    }

    private static async Task LinkAsync(TurnContext turn, CancellationToken ct)
    {
        if (await turn.RequireAdminAsync(ct) is not { } caller)
            return;
        var linker = turn.Services.GetRequiredService<AccountLinker>();
        var args = turn.Text[LinkKeyword.Length..].Trim();
        var recent = await linker.RecentUnlinkedAsync(10, ct);
        var parts = args.Split(' ', 2, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        int refId;
        string target;
        if (parts.Length == 2 && int.TryParse(parts[0], out var number))
            (refId, target) = (number, parts[1]);
        else if (parts.Length > 0 && recent.Count == 1)
            (refId, target) = (recent[0].Id, args);
        else
        {
            await turn.SendTextAsync(UnlinkedList(recent), ct);
            return;
        }
        var (_, message) = await linker.LinkAsync(caller, refId, target, ct);
        await turn.SendTextAsync(message, ct);
    }

    private static string UnlinkedList(List<AccountLinker.UnlinkedAccount> recent)
    {
        if (recent.Count == 0)
            return "目前没有未关联的聊天账号。";
        var text = new StringBuilder("最近未关联的聊天账号：");
        var china = TimeZoneInfo.FindSystemTimeZoneById("Asia/Shanghai");
        foreach (var a in recent)
            text.Append($"\n编号 {a.Id}：{a.UserName ?? "（无名称）"}{(a.Email is null ? "" : "，" + a.Email)}，最近联系 {TimeZoneInfo.ConvertTime(a.LastSeen, china):MM-dd HH:mm}");
        text.Append($"\n发送“{LinkKeyword} 编号 姓名或邮箱”完成关联，例如“{LinkKeyword} {recent[0].Id} wangqiang@demo.gov.cn”。");
        return text.ToString();
    }
}
