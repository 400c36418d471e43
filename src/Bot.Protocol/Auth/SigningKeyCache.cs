using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.IdentityModel.Tokens;

namespace Bot.Protocol.Auth;

/// <summary>
/// Signing keys of one OpenID metadata document, fetched over HTTP and cached. The JWKS is read by hand
/// (not through OpenIdConnectConfigurationRetriever) because the Bot Framework's non-standard
/// <c>endorsements</c> member must survive; an unknown <c>kid</c> triggers one refresh.
/// </summary>
public sealed class SigningKeyCache(HttpClient http, TimeProvider time)
{
    public static readonly TimeSpan RefreshInterval = TimeSpan.FromHours(24);
    private static readonly TimeSpan MinRefreshGap = TimeSpan.FromMinutes(1);

    private readonly ConcurrentDictionary<string, Entry> entries = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim gate = new(1, 1);

    private sealed record Entry(IReadOnlyList<JsonWebKey> Keys, DateTimeOffset FetchedAt);

    public async Task<IReadOnlyList<JsonWebKey>> GetKeysAsync(string metadataUrl, string? kid, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        if (entries.TryGetValue(metadataUrl, out var e)
            && now - e.FetchedAt < RefreshInterval
            && (kid is null || e.Keys.Any(k => k.Kid == kid) || now - e.FetchedAt < MinRefreshGap))
            return e.Keys;

        await gate.WaitAsync(ct);
        try
        {
            if (entries.TryGetValue(metadataUrl, out e) && time.GetUtcNow() - e.FetchedAt < MinRefreshGap)
                return e.Keys;
            IReadOnlyList<JsonWebKey> keys;
            try
            {
                keys = await FetchAsync(metadataUrl, ct);
            }
            catch (Exception ex) when (e is not null && ex is HttpRequestException or JsonException or TaskCanceledException or KeyNotFoundException
                                       && !ct.IsCancellationRequested)
            {
                // The key endpoint is down: keep serving the keys we have rather than rejecting every request.
                entries[metadataUrl] = e with { FetchedAt = time.GetUtcNow() - RefreshInterval + MinRefreshGap };
                return e.Keys;
            }
            entries[metadataUrl] = new Entry(keys, time.GetUtcNow());
            return keys;
        }
        finally
        {
            gate.Release();
        }
    }

    private async Task<IReadOnlyList<JsonWebKey>> FetchAsync(string metadataUrl, CancellationToken ct)
    {
        using var meta = JsonDocument.Parse(await http.GetStringAsync(metadataUrl, ct));
        var jwksUri = meta.RootElement.GetProperty("jwks_uri").GetString()
                      ?? throw new InvalidOperationException("OpenID metadata has no jwks_uri");
        var set = new JsonWebKeySet(await http.GetStringAsync(jwksUri, ct));
        return [.. set.Keys];
    }

    /// <summary>The key's <c>endorsements</c>, or null when the key has none at all.</summary>
    public static IReadOnlyList<string>? Endorsements(JsonWebKey key)
    {
        if (!key.AdditionalData.TryGetValue("endorsements", out var raw))
            return null;
        return raw switch
        {
            JsonElement { ValueKind: JsonValueKind.Array } arr =>
                [.. arr.EnumerateArray().Where(x => x.ValueKind == JsonValueKind.String).Select(x => x.GetString()!)],
            IEnumerable<object> list => [.. list.Select(x => x?.ToString() ?? "")],
            _ => [],
        };
    }
}
