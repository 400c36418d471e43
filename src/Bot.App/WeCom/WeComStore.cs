using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Bot.App.Data;
using Bot.Protocol;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Bot.App.WeCom;

/// <summary>
/// A message the bot sent on WeCom, under the activity id handed to the router. Cards keep their current
/// task_id and the latest unused response_code (single use, 72 h) for update_template_card.
/// </summary>
public sealed class WeComMessage
{
    public required string ActivityId { get; set; }
    public required string UserId { get; set; }
    public string? MsgId { get; set; }
    public string? TaskId { get; set; }
    public string? ResponseCode { get; set; }
    public DateTimeOffset? ResponseCodeAt { get; set; }
    public bool ResponseCodeUsed { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
}

/// <summary>What one message/send produced (task_id only for template cards).</summary>
public sealed record SentCard(string? TaskId, string? MsgId, string? ResponseCode, DateTimeOffset At);

/// <summary>Card-action data too long for a WeCom button key (≤1024 bytes), referenced by a short id.</summary>
public sealed class WeComActionKey
{
    public required string Id { get; set; }
    public required string Payload { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
}

internal sealed class WeComMessageConfiguration : IEntityTypeConfiguration<WeComMessage>
{
    public void Configure(EntityTypeBuilder<WeComMessage> b)
    {
        b.HasKey(x => x.ActivityId);
        b.Property(x => x.ActivityId).HasMaxLength(64);
        b.Property(x => x.UserId).HasMaxLength(128);
        b.Property(x => x.MsgId).HasMaxLength(256);
        b.Property(x => x.TaskId).HasMaxLength(128);
        b.Property(x => x.ResponseCode).HasMaxLength(512);
        b.HasIndex(x => x.TaskId).IsUnique();
    }
}

internal sealed class WeComActionKeyConfiguration : IEntityTypeConfiguration<WeComActionKey>
{
    public void Configure(EntityTypeBuilder<WeComActionKey> b)
    {
        b.HasKey(x => x.Id);
        b.Property(x => x.Id).HasMaxLength(32);
    }
}

/// <summary>
/// Button keys: <c>t:</c>+text for buttons that "type" a command, <c>j:</c>+base64url(JSON verb+data) when it fits
/// the 1024-byte key limit, else <c>k:</c>+id of a stored <see cref="WeComActionKey"/>.
/// </summary>
public sealed class WeComStore(BotDbContext db, TimeProvider time)
{
    public const int MaxKeyBytes = 1024;
    public static readonly TimeSpan ResponseCodeLifetime = TimeSpan.FromHours(72);

    public string EncodeKey(ButtonTarget target) => Encode(target, data =>
    {
        var id = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(12));
        db.Add(new WeComActionKey { Id = id, Payload = data, CreatedAt = time.GetUtcNow() });
        return id;
    });

    /// <summary>Pure encoding (stored ids come from <paramref name="store"/>); used by snapshot tests too.</summary>
    public static string Encode(ButtonTarget target, Func<string, string> store)
    {
        if (target.Text is { } text)
        {
            var key = "t:" + text;
            if (Encoding.UTF8.GetByteCount(key) <= MaxKeyBytes)
                return key;
            return "k:" + store(new JsonObject { ["text"] = text }.ToJsonString(ProtocolJson.Options));
        }
        var json = target.Data!.ToJsonString(ProtocolJson.Options);
        var inline = "j:" + Base64Url(Encoding.UTF8.GetBytes(json));
        return inline.Length <= MaxKeyBytes ? inline : "k:" + store(json);
    }

    public async Task<ButtonTarget?> DecodeKeyAsync(string? key, CancellationToken ct)
    {
        if (string.IsNullOrEmpty(key) || key.Length < 2 || key[1] != ':')
            return null;
        var body = key[2..];
        try
        {
            switch (key[0])
            {
                case 't':
                    return ButtonTarget.ForText(body);
                case 'j':
                    return JsonNode.Parse(FromBase64Url(body)) is JsonObject data ? ButtonTarget.ForData(data) : null;
                case 'k':
                    if (await db.Set<WeComActionKey>().FindAsync([body], ct) is not { } stored)
                        return null;
                    var node = JsonNode.Parse(stored.Payload) as JsonObject;
                    return node?["text"] is JsonValue t && node.Count == 1 ? ButtonTarget.ForText(t.GetValue<string>())
                        : node is null ? null : ButtonTarget.ForData(node);
                default:
                    return null;
            }
        }
        catch (Exception ex) when (ex is FormatException or System.Text.Json.JsonException or InvalidOperationException)
        {
            return null;
        }
    }

    public Task<WeComMessage?> FindAsync(string activityId, CancellationToken ct) =>
        db.Set<WeComMessage>().FirstOrDefaultAsync(m => m.ActivityId == activityId, ct);

    public Task<WeComMessage?> FindByTaskAsync(string taskId, CancellationToken ct) =>
        db.Set<WeComMessage>().FirstOrDefaultAsync(m => m.TaskId == taskId, ct);

    public DateTimeOffset Now => time.GetUtcNow();

    public async Task<WeComMessage> AddAsync(string userId, SentCard sent, CancellationToken ct, string? activityId = null)
    {
        var row = new WeComMessage
        {
            ActivityId = activityId ?? Guid.NewGuid().ToString("N"),
            UserId = userId,
            MsgId = sent.MsgId,
            TaskId = sent.TaskId,
            ResponseCode = sent.ResponseCode,
            ResponseCodeAt = sent.ResponseCode is null ? null : sent.At,
            CreatedAt = sent.At,
        };
        db.Add(row);
        await db.SaveChangesAsync(ct);
        return row;
    }

    /// <summary>A click brought a fresh response_code. A retried callback carries the same code again and must
    /// not revive it once used.</summary>
    public async Task<WeComMessage?> RememberClickAsync(string taskId, string? responseCode, CancellationToken ct)
    {
        var row = await FindByTaskAsync(taskId, ct);
        if (row is null || string.IsNullOrEmpty(responseCode) || row.ResponseCode == responseCode)
            return row;
        row.ResponseCode = responseCode;
        row.ResponseCodeAt = time.GetUtcNow();
        row.ResponseCodeUsed = false;
        await db.SaveChangesAsync(ct);
        return row;
    }

    /// <summary>Takes the row's response_code if still usable and marks it used (each code works once).</summary>
    public async Task<string?> TakeResponseCodeAsync(WeComMessage row, CancellationToken ct)
    {
        if (row.ResponseCode is not { } code || row.ResponseCodeUsed || row.ResponseCodeAt is not { } at
            || time.GetUtcNow() - at >= ResponseCodeLifetime)
            return null;
        var taken = await db.Set<WeComMessage>()
            .Where(m => m.ActivityId == row.ActivityId && m.ResponseCode == code && !m.ResponseCodeUsed)
            .ExecuteUpdateAsync(s => s.SetProperty(m => m.ResponseCodeUsed, true), ct);
        if (taken != 1)
            return null;
        // Keep the tracked row in step with the bulk update, so a later change of the flag is saved.
        db.Entry(row).Property(m => m.ResponseCodeUsed).OriginalValue = true;
        row.ResponseCodeUsed = true;
        return code;
    }

    public Task SaveAsync(CancellationToken ct) => db.SaveChangesAsync(ct);

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private static string FromBase64Url(string s)
    {
        var b64 = s.Replace('-', '+').Replace('_', '/');
        b64 += new string('=', (4 - b64.Length % 4) % 4);
        return Encoding.UTF8.GetString(Convert.FromBase64String(b64));
    }
}
