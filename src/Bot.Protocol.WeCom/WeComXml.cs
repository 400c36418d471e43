using System.Xml;
using System.Xml.Linq;

namespace Bot.Protocol.WeCom;

public static class WeComXml
{
    public const int MaxCharacters = 64 * 1024;

    /// <summary>Parses untrusted XML: DTDs prohibited and no resolver (no XXE, no entity expansion).</summary>
    public static XElement Parse(string xml)
    {
        var settings = new XmlReaderSettings
        {
            DtdProcessing = DtdProcessing.Prohibit,
            XmlResolver = null,
            MaxCharactersInDocument = MaxCharacters,
            IgnoreComments = true,
        };
        try
        {
            using var reader = XmlReader.Create(new StringReader(xml), settings);
            return XElement.Load(reader);
        }
        catch (XmlException ex)
        {
            throw new WeComCryptoException(WeComCryptoError.ParseXml, "XML could not be parsed: " + ex.Message);
        }
    }

    /// <summary>A CDATA section; "]]>" inside the value is split across two sections.</summary>
    public static string CData(string value) => "<![CDATA[" + value.Replace("]]>", "]]]]><![CDATA[>", StringComparison.Ordinal) + "]]>";
}
