using Bot.App.WeCom;
using Bot.Protocol;
using Bot.Protocol.Connector;

namespace Bot.App.Conversations;

/// <summary>Picks the outbound sender for a stored conversation: WeCom members through the WeCom API, everything else through the Bot Connector.</summary>
public sealed class ChannelSenders(IServiceProvider services)
{
    public IActivitySender For(string channelId) => channelId == WeComInbound.ChannelId
        ? services.GetRequiredService<WeComSender>()
        : services.GetRequiredService<ConnectorClient>();

    public IActivitySender For(ConversationRef reference) => For(reference.ChannelId);

    public IActivitySender For(ConversationAddress address) => For(address.ChannelId);
}
