using System.Text;
using System.Text.Json.Nodes;
using Bot.Protocol.WeCom;

namespace Bot.Tests.WeCom;

/// <summary>Our crypto against WeCom's official Node library @wecom/crypto, in both directions.</summary>
public sealed class WeComPeerInteropTests
{
    private static readonly WeComCrypto Crypto = new(WeComCryptoTests.Token, WeComCryptoTests.AesKey, WeComCryptoTests.CorpId);

    [Fact]
    public async Task OfficialLibraryReproducesTheOfficialVectorsWeUse()
    {
        var results = await WeComPeer.RunAsync(
            new JsonObject { ["op"] = "sign", ["token"] = WeComCryptoTests.Token, ["timestamp"] = "1409659589", ["nonce"] = "263014780", ["encrypt"] = WeComCryptoTests.OfficialEchoStr },
            new JsonObject { ["op"] = "decrypt", ["key"] = WeComCryptoTests.AesKey, ["encrypt"] = WeComCryptoTests.OfficialEchoStr },
            new JsonObject { ["op"] = "sign", ["token"] = WeComCryptoTests.Token, ["timestamp"] = "1409659813", ["nonce"] = "1372623149", ["encrypt"] = WeComCryptoTests.OfficialPostEncrypt },
            new JsonObject { ["op"] = "encrypt", ["key"] = WeComCryptoTests.AesKey, ["message"] = WeComCryptoTests.DeterministicMessage, ["id"] = WeComCryptoTests.CorpId, ["random"] = "0123456789abcdef" });
        Assert.Equal("5c45ff5e21c57e6ad56bac8758b79b1d9ac89fd3", results[0]!["signature"]!.GetValue<string>());
        Assert.Equal("1616140317555161061", results[1]!["message"]!.GetValue<string>());
        Assert.Equal(WeComCryptoTests.CorpId, results[1]!["id"]!.GetValue<string>());
        Assert.Equal("477715d11cdb4164915debcba66cb864d751f3e6", results[2]!["signature"]!.GetValue<string>());
        Assert.Equal(WeComCryptoTests.DeterministicEncrypt, results[3]!["encrypt"]!.GetValue<string>());
    }

    [Fact]
    public async Task MessagesTheOfficialLibraryEncryptsDecryptHereForEveryPadLength()
    {
        var messages = Enumerable.Range(0, 40).Select(i => "<xml><Content><![CDATA[" + new string('廉', i % 7) + new string('z', i) + "]]></Content></xml>").ToList();
        var results = await WeComPeer.RunAsync([.. messages.Select(m => new JsonObject { ["op"] = "encrypt", ["key"] = WeComCryptoTests.AesKey, ["message"] = m, ["id"] = WeComCryptoTests.CorpId })]);
        for (var i = 0; i < messages.Count; i++)
            Assert.Equal(messages[i], Crypto.Decrypt(results[i]!["encrypt"]!.GetValue<string>()));
    }

    [Fact]
    public async Task OurCiphertextAndSignedReplyEnvelopeOpenWithTheOfficialLibrary()
    {
        var reply = PassiveReply.Text("zhangsan", WeComCryptoTests.CorpId, 1700000000, "约谈已登记 ]]> 完成");
        var envelope = WeComXml.Parse(Crypto.EncryptReply(reply, "1700000001", "nonce-r"));
        var encrypt = envelope.Element("Encrypt")!.Value;
        Assert.Equal("1700000001", envelope.Element("TimeStamp")!.Value);

        var (message, id) = await WeComPeer.DecryptAsync(WeComCryptoTests.AesKey, encrypt);
        Assert.Equal(reply, message);
        Assert.Equal(WeComCryptoTests.CorpId, id);
        Assert.Equal(envelope.Element("MsgSignature")!.Value, await WeComPeer.SignAsync(WeComCryptoTests.Token, "1700000001", "nonce-r", encrypt));
        Assert.Equal("约谈已登记 ]]> 完成", CallbackMessage.Parse(message).Content);

        var button = PassiveReply.UpdateButton("zhangsan", WeComCryptoTests.CorpId, 1700000000, "已登记");
        var (buttonMessage, _) = await WeComPeer.DecryptAsync(WeComCryptoTests.AesKey, Crypto.Encrypt(button, Encoding.ASCII.GetBytes("0123456789abcdef")));
        Assert.Contains("<ReplaceName><![CDATA[已登记]]></ReplaceName>", buttonMessage);
    }
}
