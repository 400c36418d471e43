using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Xml.Linq;

namespace Bot.Protocol.WeCom;

/// <summary>One selection of a card's button_selection / checkbox / select_list in a template_card_event.</summary>
public sealed record SelectedItem(string QuestionKey, IReadOnlyList<string> OptionIds);

/// <summary>The decrypted callback: a member's message or an event (消息格式 / 事件格式).</summary>
public sealed record CallbackMessage(
    string ToUserName,
    string FromUserName,
    long CreateTime,
    string MsgType,
    string? AgentId,
    string? Content = null,
    string? MsgId = null,
    string? Event = null,
    string? EventKey = null,
    string? TaskId = null,
    string? CardType = null,
    string? ResponseCode = null,
    IReadOnlyList<SelectedItem>? SelectedItems = null)
{
    public bool IsEvent => MsgType.Equals("event", StringComparison.OrdinalIgnoreCase);

    /// <summary>Event names mix case (<c>click</c>, <c>LOCATION</c>); compare case-insensitively.</summary>
    public bool IsEventNamed(string name) => IsEvent && string.Equals(Event, name, StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// Key for de-duplicating WeCom's retries: MsgId for messages; for events (which have none)
    /// FromUserName+CreateTime+Event+EventKey/TaskId, hashed to a short stable id.
    /// </summary>
    public string DedupKey
    {
        get
        {
            if (!string.IsNullOrEmpty(MsgId))
                return MsgId;
            var raw = string.Join('\u001f', FromUserName, CreateTime.ToString(CultureInfo.InvariantCulture), Event ?? "", EventKey ?? "", TaskId ?? "");
            return "ev-" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(raw)))[..32];
        }
    }

    public static CallbackMessage Parse(string xml)
    {
        var root = WeComXml.Parse(xml);
        string? Text(string name) => root.Element(name)?.Value;
        var createTime = long.TryParse(Text("CreateTime"), NumberStyles.Integer, CultureInfo.InvariantCulture, out var t) ? t : 0;
        var selected = root.Element("SelectedItems")?.Elements("SelectedItem")
            .Select(e => new SelectedItem(
                e.Element("QuestionKey")?.Value ?? "",
                [.. e.Element("OptionIds")?.Elements("OptionId").Select(o => o.Value) ?? []]))
            .ToList();
        return new CallbackMessage(
            Text("ToUserName") ?? "",
            Text("FromUserName") ?? throw new WeComCryptoException(WeComCryptoError.ParseXml, "FromUserName missing."),
            createTime,
            Text("MsgType") ?? throw new WeComCryptoException(WeComCryptoError.ParseXml, "MsgType missing."),
            Text("AgentID"),
            Text("Content"),
            Text("MsgId"),
            Text("Event"),
            Text("EventKey"),
            Text("TaskId"),
            Text("CardType"),
            Text("ResponseCode"),
            selected);
    }
}

/// <summary>Plaintext bodies of passive replies (被动回复), to be wrapped by <see cref="WeComCrypto.EncryptReply"/>.</summary>
public static class PassiveReply
{
    public static string Text(string toUser, string corpId, long createTime, string content) =>
        Envelope(toUser, corpId, createTime, "text", new XElement("Content", new XCData(content)));

    /// <summary>Greys out the clicked button of a template card for the clicking member.</summary>
    public static string UpdateButton(string toUser, string corpId, long createTime, string replaceName) =>
        Envelope(toUser, corpId, createTime, "update_button", new XElement("Button", new XElement("ReplaceName", new XCData(replaceName))));

    private static string Envelope(string toUser, string corpId, long createTime, string msgType, XElement body) =>
        new XElement("xml",
            new XElement("ToUserName", new XCData(toUser)),
            new XElement("FromUserName", new XCData(corpId)),
            new XElement("CreateTime", createTime.ToString(CultureInfo.InvariantCulture)),
            new XElement("MsgType", new XCData(msgType)),
            body).ToString(SaveOptions.DisableFormatting);
}
