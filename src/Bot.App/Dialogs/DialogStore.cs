using Bot.App.Data;
using Bot.Protocol.Routing;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Bot.App.Dialogs;

/// <summary>The unfinished multi-step conversation of one user in one chat (e.g. the 填报 dialog).</summary>
public sealed class DialogState
{
    /// <summary>channel|conversation|user.</summary>
    public required string Key { get; set; }
    public required string Dialog { get; set; }
    public int Step { get; set; }
    /// <summary>Feature-owned JSON of the answers so far.</summary>
    public string State { get; set; } = "{}";
    public DateTimeOffset UpdatedAt { get; set; }
}

internal sealed class DialogStateConfiguration : IEntityTypeConfiguration<DialogState>
{
    public void Configure(EntityTypeBuilder<DialogState> b)
    {
        b.HasKey(x => x.Key);
        b.Property(x => x.Key).HasMaxLength(1200);
        b.Property(x => x.Dialog).HasMaxLength(64);
    }
}

public sealed class DialogStore(BotDbContext db, TimeProvider time)
{
    /// <summary>Dialogs left untouched this long are dropped, so a forgotten one never swallows later messages.</summary>
    public static readonly TimeSpan Expiry = TimeSpan.FromHours(2);

    public static string KeyOf(TurnContext turn) =>
        $"{turn.Activity.ChannelId}|{turn.Activity.Conversation?.Id}|{turn.Activity.From?.Id}";

    public async Task<DialogState?> GetAsync(TurnContext turn, CancellationToken ct)
    {
        var state = await db.Set<DialogState>().FindAsync([KeyOf(turn)], ct);
        if (state is not null && time.GetUtcNow() - state.UpdatedAt > Expiry)
        {
            db.Remove(state);
            await db.SaveChangesAsync(ct);
            return null;
        }
        return state;
    }

    public async Task SetAsync(TurnContext turn, string dialog, int step, string stateJson, CancellationToken ct)
    {
        var key = KeyOf(turn);
        var state = await db.Set<DialogState>().FindAsync([key], ct);
        if (state is null)
            db.Add(state = new DialogState { Key = key, Dialog = dialog });
        state.Dialog = dialog;
        state.Step = step;
        state.State = stateJson;
        state.UpdatedAt = time.GetUtcNow();
        await db.SaveChangesAsync(ct);
    }

    public async Task ClearAsync(TurnContext turn, CancellationToken ct) =>
        await db.Set<DialogState>().Where(s => s.Key == KeyOf(turn)).ExecuteDeleteAsync(ct);
}

public static class DialogRouting
{
    public static readonly string[] CancelWords = ["取消", "退出", "cancel"];

    /// <summary>
    /// Routes text to <paramref name="handler"/> while this user's active dialog is <paramref name="dialog"/>.
    /// "取消" always ends the dialog.
    /// </summary>
    public static ActivityRouter OnDialog(this ActivityRouter router, string dialog,
        Func<TurnContext, DialogState, CancellationToken, Task> handler) =>
        router.OnText(TextStage.Dialog, "dialog:" + dialog,
            async (turn, ct) => await turn.Services.GetRequiredService<DialogStore>().GetAsync(turn, ct) is { } s && s.Dialog == dialog,
            async (turn, ct) =>
            {
                var store = turn.Services.GetRequiredService<DialogStore>();
                if (ActivityRouter.MatchesCommand(turn.Text, CancelWords))
                {
                    await store.ClearAsync(turn, ct);
                    await turn.SendTextAsync("已取消。", ct);
                    return;
                }
                await handler(turn, (await store.GetAsync(turn, ct))!, ct);
            });
}
