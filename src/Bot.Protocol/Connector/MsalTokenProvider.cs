using Bot.Protocol.Auth;
using Microsoft.Identity.Client;
using Microsoft.Identity.Client.AppConfig;

namespace Bot.Protocol.Connector;

/// <summary>
/// Client-credentials token for the Bot Connector. MSAL's in-memory app token cache serves repeated
/// calls; one acquisition at a time keeps a cold start from stampeding the token endpoint.
/// </summary>
public sealed class MsalTokenProvider : IBotTokenProvider
{
    private readonly BotAuthOptions options;
    private readonly IConfidentialClientApplication? confidential;
    private readonly IManagedIdentityApplication? managed;
    private readonly SemaphoreSlim gate = new(1, 1);

    public MsalTokenProvider(BotAuthOptions options)
    {
        this.options = options;
        if (options.AuthenticationDisabled)
            return;
        if (options.AppType.Equals("UserAssignedMSI", StringComparison.OrdinalIgnoreCase))
        {
            managed = ManagedIdentityApplicationBuilder
                .Create(ManagedIdentityId.WithUserAssignedClientId(options.AppId))
                .Build();
            return;
        }
        var tenant = options.AppType.Equals("SingleTenant", StringComparison.OrdinalIgnoreCase)
            ? options.AppTenantId ?? throw new InvalidOperationException("MicrosoftAppTenantId is required for SingleTenant bots.")
            : "botframework.com";
        confidential = ConfidentialClientApplicationBuilder.Create(options.AppId)
            .WithAuthority(new Uri(new Uri(options.LoginUrl.TrimEnd('/') + "/"), tenant), validateAuthority: true)
            .WithClientSecret(options.AppPassword ?? throw new InvalidOperationException("MicrosoftAppPassword is required."))
            .Build();
    }

    public async Task<string?> GetTokenAsync(bool forceRefresh, CancellationToken ct)
    {
        if (options.AuthenticationDisabled)
            return null;
        await gate.WaitAsync(ct);
        try
        {
            if (managed is not null)
                return (await managed.AcquireTokenForManagedIdentity(options.OAuthScope).WithForceRefresh(forceRefresh).ExecuteAsync(ct)).AccessToken;
            var scope = options.OAuthScope.TrimEnd('/') + "/.default";
            return (await confidential!.AcquireTokenForClient([scope]).WithForceRefresh(forceRefresh).ExecuteAsync(ct)).AccessToken;
        }
        finally
        {
            gate.Release();
        }
    }
}
