using System.Net;
using System.Security.Claims;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using Microsoft.Extensions.Logging;

namespace Bot.Protocol.Auth;

public sealed record AuthResult(bool Ok, string? Reason, ClaimsIdentity? Identity)
{
    public static AuthResult Fail(string reason) => new(false, reason, null);
}

/// <summary>
/// Inbound JWT validation with the behaviour of botbuilder's ChannelValidation and EmulatorValidation,
/// plus one deliberate difference: a channel signing key that carries no <c>endorsements</c> at all is
/// rejected (the SDK accepts it). Every failure is reported as a failed result, never as an exception,
/// so the endpoint answers 401 for all of them.
/// </summary>
public sealed partial class BotAuthenticator(BotAuthOptions options, SigningKeyCache keys, TimeProvider time,
    ILogger<BotAuthenticator> logger)
{
    private static readonly string[] Algorithms = [SecurityAlgorithms.RsaSha256, SecurityAlgorithms.RsaSha384, SecurityAlgorithms.RsaSha512];

    // EmulatorValidation.ToBotFromEmulatorTokenValidationParameters.ValidIssuers (public and government clouds).
    internal static readonly string[] EmulatorIssuers =
    [
        "https://sts.windows.net/d6d49420-f39b-4df7-a1dc-d59a935871db/",
        "https://login.microsoftonline.com/d6d49420-f39b-4df7-a1dc-d59a935871db/v2.0",
        "https://sts.windows.net/f8cdef31-a31e-4b4a-93e4-5f571e91255a/",
        "https://login.microsoftonline.com/f8cdef31-a31e-4b4a-93e4-5f571e91255a/v2.0",
        "https://sts.windows.net/cab8a31a-1906-4287-a0d8-4eef66b95f6e/",
        "https://login.microsoftonline.us/cab8a31a-1906-4287-a0d8-4eef66b95f6e/v2.0",
        "https://login.microsoftonline.us/f8cdef31-a31e-4b4a-93e4-5f571e91255a/",
        "https://login.microsoftonline.us/f8cdef31-a31e-4b4a-93e4-5f571e91255a/v2.0",
    ];

    private readonly JsonWebTokenHandler handler = new() { MapInboundClaims = false };

    /// <param name="allowAnonymous">The host decided this request may go without a token (local development).</param>
    public async Task<AuthResult> AuthenticateAsync(string? authorization, Activity activity, bool allowAnonymous, CancellationToken ct)
    {
        try
        {
            var result = await AuthenticateCoreAsync(authorization, activity, allowAnonymous, ct);
            if (!result.Ok)
                LogRejected(logger, result.Reason ?? "unknown", activity.Id);
            return result;
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            LogRejected(logger, ex.GetType().Name + ": " + ex.Message, activity.Id);
            return AuthResult.Fail("validation error");
        }
    }

    private async Task<AuthResult> AuthenticateCoreAsync(string? authorization, Activity activity, bool allowAnonymous, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(authorization))
            return allowAnonymous && options.AuthenticationDisabled
                ? new AuthResult(true, null, new ClaimsIdentity("anonymous"))
                : AuthResult.Fail("no Authorization header");
        if (options.AuthenticationDisabled)
            return AuthResult.Fail("token sent but no MicrosoftAppId is configured");

        var parts = authorization.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length != 2 || !parts[0].Equals("Bearer", StringComparison.OrdinalIgnoreCase))
            return AuthResult.Fail("not a Bearer token");
        var raw = parts[1];
        JsonWebToken unverified;
        try
        {
            unverified = handler.ReadJsonWebToken(raw);
        }
        catch (ArgumentException)
        {
            return AuthResult.Fail("unreadable token");
        }

        if (options.AllowEmulatorTokens && EmulatorIssuers.Contains(unverified.Issuer, StringComparer.Ordinal))
            return await EmulatorAsync(raw, unverified, ct);
        if (unverified.Issuer != options.ChannelTokenIssuer)
            return AuthResult.Fail($"issuer '{unverified.Issuer}' not allowed");
        return await ChannelAsync(raw, unverified, activity, ct);
    }

    private async Task<AuthResult> ChannelAsync(string raw, JsonWebToken unverified, Activity activity, CancellationToken ct)
    {
        var signingKeys = await keys.GetKeysAsync(options.ChannelOpenIdMetadataUrl, unverified.Kid, ct);
        var result = await ValidateAsync(raw, signingKeys, options.ChannelTokenIssuer, options.AppId!);
        if (!result.IsValid)
            return AuthResult.Fail(result.Exception?.GetType().Name ?? "invalid token");

        var key = signingKeys.FirstOrDefault(k => k.Kid == unverified.Kid);
        var endorsements = key is null ? null : SigningKeyCache.Endorsements(key);
        if (endorsements is null)
            return AuthResult.Fail("signing key has no endorsements");
        if (!string.IsNullOrEmpty(activity.ChannelId) && !endorsements.Contains(activity.ChannelId, StringComparer.Ordinal))
            return AuthResult.Fail($"signing key not endorsed for channel '{activity.ChannelId}'");

        if (!result.Claims.TryGetValue("serviceurl", out var serviceUrl)
            || !string.Equals(serviceUrl as string, activity.ServiceUrl, StringComparison.OrdinalIgnoreCase))
            return AuthResult.Fail("serviceurl claim does not match the activity");
        return new AuthResult(true, null, result.ClaimsIdentity);
    }

    private async Task<AuthResult> EmulatorAsync(string raw, JsonWebToken unverified, CancellationToken ct)
    {
        var signingKeys = await keys.GetKeysAsync(options.EmulatorOpenIdMetadataUrl, unverified.Kid, ct);
        var result = await ValidateAsync(raw, signingKeys, validIssuers: EmulatorIssuers, audience: null);
        if (!result.IsValid)
            return AuthResult.Fail(result.Exception?.GetType().Name ?? "invalid token");
        // Emulator tokens name the bot in appid (v1) or azp (v2) rather than in aud (EmulatorValidation).
        if (!result.Claims.TryGetValue("ver", out var v) || v is not string version)
            return AuthResult.Fail("emulator token has no ver claim");
        var claim = version switch
        {
            "" or "1.0" => "appid",
            "2.0" => "azp",
            _ => null,
        };
        if (claim is null)
            return AuthResult.Fail($"emulator token version '{version}' is not supported");
        if (!result.Claims.TryGetValue(claim, out var appId) || appId as string != options.AppId)
            return AuthResult.Fail($"{claim} claim is not this bot");
        return new AuthResult(true, null, result.ClaimsIdentity);
    }

    private Task<TokenValidationResult> ValidateAsync(string raw, IEnumerable<SecurityKey> signingKeys, string issuer, string audience) =>
        ValidateAsync(raw, signingKeys, [issuer], audience);

    private Task<TokenValidationResult> ValidateAsync(string raw, IEnumerable<SecurityKey> signingKeys, string[] validIssuers, string? audience) =>
        handler.ValidateTokenAsync(raw, new TokenValidationParameters
        {
            ValidIssuers = validIssuers,
            ValidateAudience = audience is not null,
            ValidAudience = audience,
            IssuerSigningKeys = signingKeys,
            ValidAlgorithms = Algorithms,
            RequireSignedTokens = true,
            // The kid must name a published key: the endorsements checked below belong to that key.
            TryAllIssuerSigningKeys = false,
            RequireExpirationTime = true,
            ValidateIssuerSigningKey = true,
            ValidateLifetime = true,
            ClockSkew = TimeSpan.FromMinutes(5),
            LifetimeValidator = (nbf, exp, _, p) =>
            {
                var now = time.GetUtcNow().UtcDateTime;
                return exp is { } e && now <= e + p.ClockSkew && (nbf is not { } n || now >= n - p.ClockSkew);
            },
        });

    public static bool IsLoopback(IPAddress? remote) => remote is not null && IPAddress.IsLoopback(remote);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Inbound activity {ActivityId} rejected: {Reason}")]
    private static partial void LogRejected(ILogger logger, string reason, string? activityId);
}
