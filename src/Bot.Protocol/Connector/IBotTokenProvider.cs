namespace Bot.Protocol.Connector;

/// <summary>Outbound bearer token for Connector calls; null when the bot runs without an app id.</summary>
public interface IBotTokenProvider
{
    Task<string?> GetTokenAsync(bool forceRefresh, CancellationToken ct);
}
