using Microsoft.Extensions.Configuration;

namespace Bot.Protocol.Auth;

/// <summary>
/// Bot identity and endpoints, read from the same flat keys the Bot Framework SDK uses
/// (<c>MicrosoftAppId</c>, <c>ToBotFromChannelOpenIdMetadataUrl</c> …) so deployment habits and
/// sovereign-cloud settings carry over unchanged.
/// </summary>
public sealed record BotAuthOptions
{
    public const string PublicChannelIssuer = "https://api.botframework.com";
    public const string PublicChannelOpenIdMetadataUrl = "https://login.botframework.com/v1/.well-known/openidconfiguration";
    public const string PublicEmulatorOpenIdMetadataUrl = "https://login.microsoftonline.com/common/v2.0/.well-known/openid-configuration";
    public const string PublicLoginUrl = "https://login.microsoftonline.com/";
    public const string PublicMultiTenantAuthority = "botframework.com";
    public const string PublicOAuthScope = "https://api.botframework.com";

    public string? AppId { get; init; }
    public string? AppPassword { get; init; }
    public string AppType { get; init; } = "MultiTenant";
    public string? AppTenantId { get; init; }
    public string ChannelOpenIdMetadataUrl { get; init; } = PublicChannelOpenIdMetadataUrl;
    public string ChannelTokenIssuer { get; init; } = PublicChannelIssuer;
    public string EmulatorOpenIdMetadataUrl { get; init; } = PublicEmulatorOpenIdMetadataUrl;
    /// <summary>
    /// <c>ToChannelFromBotLoginUrl</c>. As in the SDK this is the full authority including the tenant
    /// (<c>https://login.partner.microsoftonline.cn/&lt;tenant&gt;</c>); a bare host gets the tenant appended.
    /// </summary>
    public string? LoginUrl { get; init; }
    public string OAuthScope { get; init; } = PublicOAuthScope;

    /// <summary>Whether JWTs from the Bot Framework Emulator's issuers are accepted as well.</summary>
    public bool AllowEmulatorTokens { get; init; } = true;

    /// <summary>
    /// <c>Bot:TrustedServiceUrlHosts</c>: when set, Connector calls (and the bot token) go only to these hosts
    /// and their subdomains, e.g. <c>smba.trafficmanager.net</c>.
    /// </summary>
    public IReadOnlyList<string> TrustedServiceUrlHosts { get; init; } = [];

    /// <summary>
    /// <c>Bot:AllowedTenants</c>: when set, an activity that names another Microsoft 365 tenant is refused (403) —
    /// a multi-tenant bot registration can otherwise be added by any organization. Activities without a tenant
    /// (Web Chat over Direct Line, the Emulator) are not tenant-scoped and pass.
    /// </summary>
    public IReadOnlyList<string> AllowedTenants { get; init; } = [];

    public bool IsTenantAllowed(string? tenantId) =>
        AllowedTenants.Count == 0 || tenantId is null || AllowedTenants.Contains(tenantId, StringComparer.OrdinalIgnoreCase);

    public bool IsManagedIdentity => AppType.Equals("UserAssignedMSI", StringComparison.OrdinalIgnoreCase);
    public bool IsSingleTenant => AppType.Equals("SingleTenant", StringComparison.OrdinalIgnoreCase);

    /// <summary>Token authority for outbound calls, per app type (SDK: ConfigurationServiceClientCredentialFactory).</summary>
    public Uri Authority
    {
        get
        {
            var tenant = IsSingleTenant || IsManagedIdentity
                ? AppTenantId ?? throw new InvalidOperationException($"MicrosoftAppTenantId is required for {AppType} bots.")
                : PublicMultiTenantAuthority;
            if (LoginUrl is null)
                return new Uri(PublicLoginUrl + tenant);
            var url = new Uri(LoginUrl);
            return url.AbsolutePath.Trim('/').Length > 0 ? url : new Uri(url, tenant);
        }
    }

    public bool AuthenticationDisabled => string.IsNullOrWhiteSpace(AppId);

    public static BotAuthOptions FromConfiguration(IConfiguration c) => new()
    {
        AppId = Blank(c["MicrosoftAppId"]),
        AppPassword = Blank(c["MicrosoftAppPassword"]),
        AppType = Blank(c["MicrosoftAppType"]) ?? "MultiTenant",
        AppTenantId = Blank(c["MicrosoftAppTenantId"]),
        ChannelOpenIdMetadataUrl = Blank(c["ToBotFromChannelOpenIdMetadataUrl"]) ?? PublicChannelOpenIdMetadataUrl,
        ChannelTokenIssuer = Blank(c["ToBotFromChannelTokenIssuer"]) ?? PublicChannelIssuer,
        EmulatorOpenIdMetadataUrl = Blank(c["ToBotFromEmulatorOpenIdMetadataUrl"]) ?? PublicEmulatorOpenIdMetadataUrl,
        LoginUrl = Blank(c["ToChannelFromBotLoginUrl"]),
        OAuthScope = Blank(c["ToChannelFromBotOAuthScope"]) ?? PublicOAuthScope,
        AllowEmulatorTokens = !string.Equals(c["Bot:AllowEmulatorTokens"], "false", StringComparison.OrdinalIgnoreCase),
        TrustedServiceUrlHosts = List(c.GetSection("Bot:TrustedServiceUrlHosts")),
        AllowedTenants = List(c.GetSection("Bot:AllowedTenants")),
    };

    /// <summary>Either an array section or one comma-separated value (handy as an environment variable).</summary>
    private static string[] List(IConfigurationSection section) =>
        [.. (section.Value is { } single ? single.Split(',') : section.GetChildren().Select(x => x.Value ?? ""))
            .Select(x => x.Trim()).Where(x => x.Length > 0)];

    private static string? Blank(string? s) => string.IsNullOrWhiteSpace(s) ? null : s.Trim();
}
