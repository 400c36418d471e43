using Bot.Protocol;
using Bot.Protocol.Connector;

namespace Bot.App.Conversations;

/// <summary>
/// Picks the outbound sender for a stored conversation's channel. Every channel goes through the Bot Connector
/// for now; the WeCom sender will add its own entry here.
/// </summary>
public sealed class ChannelSenders(IServiceProvider services)
{
    public IActivitySender For(string channelId) => channelId switch
    {
        _ => services.GetRequiredService<ConnectorClient>(),
    };

    public IActivitySender For(ConversationRef reference) => For(reference.ChannelId);
}
