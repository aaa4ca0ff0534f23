import { escapeXml, escapeXmlAttribute } from "../xml/escape-xml.ts";
import { MKTOWS_NAMESPACE } from "./namespaces.ts";

/**
 * The schema of the two implemented operations, in the shapes of Marketo's WSDL 2_2 plus the
 * 3_1 additions (`moveCookie`, `partnerId`). Like Marketo's, the schema has no
 * elementFormDefault: only global elements are qualified.
 */
const SCHEMA = `
    <xs:schema targetNamespace="${MKTOWS_NAMESPACE}">
      <xs:simpleType name="LeadKeyRef">
        <xs:restriction base="xs:string">
          <xs:enumeration value="IDNUM"/>
          <xs:enumeration value="COOKIE"/>
          <xs:enumeration value="EMAIL"/>
          <xs:enumeration value="LEADOWNEREMAIL"/>
          <xs:enumeration value="SFDCACCOUNTID"/>
          <xs:enumeration value="SFDCCONTACTID"/>
          <xs:enumeration value="SFDCLEADID"/>
          <xs:enumeration value="SFDCLEADOWNERID"/>
          <xs:enumeration value="SFDCOPPTYID"/>
        </xs:restriction>
      </xs:simpleType>
      <xs:simpleType name="LeadSyncStatus">
        <xs:restriction base="xs:string">
          <xs:enumeration value="CREATED"/>
          <xs:enumeration value="UPDATED"/>
          <xs:enumeration value="FAILED"/>
        </xs:restriction>
      </xs:simpleType>
      <xs:simpleType name="ForeignSysType">
        <xs:restriction base="xs:string">
          <xs:enumeration value="CUSTOM"/>
          <xs:enumeration value="SFDC"/>
          <xs:enumeration value="NETSUITE"/>
        </xs:restriction>
      </xs:simpleType>
      <xs:complexType name="Attribute">
        <xs:sequence>
          <xs:element name="attrName" type="xs:string" minOccurs="1" maxOccurs="1" nillable="false"/>
          <xs:element name="attrType" type="xs:string" minOccurs="0" maxOccurs="1" nillable="true"/>
          <xs:element name="attrValue" type="xs:string" minOccurs="1" maxOccurs="1" nillable="false"/>
        </xs:sequence>
      </xs:complexType>
      <xs:complexType name="ArrayOfAttribute">
        <xs:sequence>
          <xs:element name="attribute" type="tns:Attribute" minOccurs="0" maxOccurs="unbounded" nillable="false"/>
        </xs:sequence>
      </xs:complexType>
      <xs:complexType name="LeadRecord">
        <xs:sequence>
          <xs:element name="Id" type="xs:int" minOccurs="0" maxOccurs="1" nillable="true"/>
          <xs:element name="Email" type="xs:string" minOccurs="0" maxOccurs="1" nillable="true"/>
          <xs:element name="ForeignSysPersonId" type="xs:string" minOccurs="0" maxOccurs="1" nillable="true"/>
          <xs:element name="ForeignSysType" type="tns:ForeignSysType" minOccurs="0" maxOccurs="1" nillable="true"/>
          <xs:element name="leadAttributeList" type="tns:ArrayOfAttribute" minOccurs="0" maxOccurs="1" nillable="true"/>
        </xs:sequence>
      </xs:complexType>
      <xs:complexType name="ArrayOfLeadRecord">
        <xs:sequence>
          <xs:element name="leadRecord" type="tns:LeadRecord" minOccurs="0" maxOccurs="unbounded" nillable="false"/>
        </xs:sequence>
      </xs:complexType>
      <xs:complexType name="LeadKey">
        <xs:sequence>
          <xs:element name="keyType" type="tns:LeadKeyRef" minOccurs="1" maxOccurs="1" nillable="false"/>
          <xs:element name="keyValue" type="xs:string" minOccurs="1" maxOccurs="1" nillable="false"/>
        </xs:sequence>
      </xs:complexType>
      <xs:complexType name="SyncStatus">
        <xs:sequence>
          <xs:element name="leadId" type="xs:int" minOccurs="1" maxOccurs="1" nillable="false"/>
          <xs:element name="status" type="tns:LeadSyncStatus" minOccurs="1" maxOccurs="1" nillable="false"/>
          <xs:element name="error" type="xs:string" minOccurs="0" maxOccurs="1" nillable="true"/>
        </xs:sequence>
      </xs:complexType>
      <xs:complexType name="ParamsGetLead">
        <xs:sequence>
          <xs:element name="leadKey" type="tns:LeadKey" minOccurs="1" maxOccurs="1" nillable="false"/>
        </xs:sequence>
      </xs:complexType>
      <xs:complexType name="ParamsSyncLead">
        <xs:sequence>
          <xs:element name="leadRecord" type="tns:LeadRecord" minOccurs="1" maxOccurs="1" nillable="false"/>
          <xs:element name="returnLead" type="xs:boolean" minOccurs="1" maxOccurs="1" nillable="false"/>
          <xs:element name="marketoCookie" type="xs:string" minOccurs="0" maxOccurs="1" nillable="true"/>
          <xs:element name="moveCookie" type="xs:boolean" minOccurs="0" maxOccurs="1"/>
        </xs:sequence>
      </xs:complexType>
      <xs:complexType name="ResultGetLead">
        <xs:sequence>
          <xs:element name="count" type="xs:int" minOccurs="1" maxOccurs="1"/>
          <xs:element name="leadRecordList" type="tns:ArrayOfLeadRecord" minOccurs="0" maxOccurs="1" nillable="true"/>
        </xs:sequence>
      </xs:complexType>
      <xs:complexType name="ResultSyncLead">
        <xs:sequence>
          <xs:element name="leadId" type="xs:int" minOccurs="1" maxOccurs="1"/>
          <xs:element name="syncStatus" type="tns:SyncStatus" minOccurs="1" maxOccurs="1"/>
          <xs:element name="leadRecord" type="tns:LeadRecord" minOccurs="0" maxOccurs="1" nillable="true"/>
        </xs:sequence>
      </xs:complexType>
      <xs:complexType name="SuccessGetLead">
        <xs:sequence>
          <xs:element name="result" type="tns:ResultGetLead" minOccurs="1" maxOccurs="1"/>
        </xs:sequence>
      </xs:complexType>
      <xs:complexType name="SuccessSyncLead">
        <xs:sequence>
          <xs:element name="result" type="tns:ResultSyncLead" minOccurs="1" maxOccurs="1"/>
        </xs:sequence>
      </xs:complexType>
      <xs:complexType name="AuthenticationHeaderInfo">
        <xs:sequence>
          <xs:element name="mktowsUserId" type="xs:string" minOccurs="1" maxOccurs="1"/>
          <xs:element name="requestSignature" type="xs:string" minOccurs="1" maxOccurs="1"/>
          <xs:element name="requestTimestamp" type="xs:string" minOccurs="1" maxOccurs="1"/>
          <xs:element name="partnerId" type="xs:string" minOccurs="0" maxOccurs="1"/>
          <xs:element name="audit" type="xs:string" minOccurs="0" maxOccurs="1"/>
          <xs:element name="mode" type="xs:int" minOccurs="0" maxOccurs="1"/>
        </xs:sequence>
      </xs:complexType>
      <xs:complexType name="MktowsContextHeaderInfo">
        <xs:sequence>
          <xs:element name="targetWorkspace" type="xs:string" minOccurs="1" maxOccurs="1"/>
        </xs:sequence>
      </xs:complexType>
      <xs:element name="AuthenticationHeader" type="tns:AuthenticationHeaderInfo"/>
      <xs:element name="MktowsContextHeader" type="tns:MktowsContextHeaderInfo"/>
      <xs:element name="paramsGetLead" type="tns:ParamsGetLead"/>
      <xs:element name="paramsSyncLead" type="tns:ParamsSyncLead"/>
      <xs:element name="successGetLead" type="tns:SuccessGetLead"/>
      <xs:element name="successSyncLead" type="tns:SuccessSyncLead"/>
    </xs:schema>`;

const MESSAGES = `
  <wsdl:message name="AuthenticationHeader">
    <wsdl:part name="authentication" element="tns:AuthenticationHeader"/>
  </wsdl:message>
  <wsdl:message name="MktowsContextHeader">
    <wsdl:part name="mktowsContext" element="tns:MktowsContextHeader"/>
  </wsdl:message>
  <wsdl:message name="GetLeadRequest">
    <wsdl:part name="paramsGetLead" element="tns:paramsGetLead"/>
  </wsdl:message>
  <wsdl:message name="GetLeadResponse">
    <wsdl:part name="successGetLead" element="tns:successGetLead"/>
  </wsdl:message>
  <wsdl:message name="SyncLeadRequest">
    <wsdl:part name="paramsSyncLead" element="tns:paramsSyncLead"/>
  </wsdl:message>
  <wsdl:message name="SyncLeadResponse">
    <wsdl:part name="successSyncLead" element="tns:successSyncLead"/>
  </wsdl:message>`;

const PORT_TYPE_AND_BINDING = `
  <wsdl:portType name="MktowsPort">
    <wsdl:operation name="getLead">
      <wsdl:documentation>Get all details about a lead.</wsdl:documentation>
      <wsdl:input message="tns:GetLeadRequest"/>
      <wsdl:output message="tns:GetLeadResponse"/>
    </wsdl:operation>
    <wsdl:operation name="syncLead">
      <wsdl:documentation>Create or update a lead.</wsdl:documentation>
      <wsdl:input message="tns:SyncLeadRequest"/>
      <wsdl:output message="tns:SyncLeadResponse"/>
    </wsdl:operation>
  </wsdl:portType>
  <wsdl:binding name="MktowsApiSoapBinding" type="tns:MktowsPort">
    <soap:binding style="document" transport="http://schemas.xmlsoap.org/soap/http"/>
    <wsdl:operation name="getLead">
      <soap:operation soapAction="${MKTOWS_NAMESPACE}getLead"/>
      <wsdl:input>
        <soap:header use="literal" part="authentication" message="tns:AuthenticationHeader"/>
        <soap:body use="literal"/>
      </wsdl:input>
      <wsdl:output>
        <soap:body use="literal"/>
      </wsdl:output>
    </wsdl:operation>
    <wsdl:operation name="syncLead">
      <soap:operation soapAction="${MKTOWS_NAMESPACE}syncLead"/>
      <wsdl:input>
        <soap:header use="literal" part="authentication" message="tns:AuthenticationHeader"/>
        <soap:header use="literal" part="mktowsContext" message="tns:MktowsContextHeader"/>
        <soap:body use="literal"/>
      </wsdl:input>
      <wsdl:output>
        <soap:body use="literal"/>
      </wsdl:output>
    </wsdl:operation>
  </wsdl:binding>`;

/**
 * Renders the emulator's WSDL for syncLead and getLead, with service `MktMktowsApiService`,
 * port `MktowsApiSoapPort` and `soap:address` set to `endpointUrl`.
 */
export function renderWsdl(endpointUrl: string, version: string): string {
  return `<?xml version="1.0" encoding="UTF-8"?>
<!-- Leadsync Marketo emulator: syncLead and getLead, API version ${escapeXml(version)} -->
<wsdl:definitions xmlns:soap="http://schemas.xmlsoap.org/wsdl/soap/"
                  xmlns:tns="${MKTOWS_NAMESPACE}"
                  xmlns:wsdl="http://schemas.xmlsoap.org/wsdl/"
                  xmlns:xs="http://www.w3.org/2001/XMLSchema"
                  name="mktows" targetNamespace="${MKTOWS_NAMESPACE}">
  <wsdl:types>${SCHEMA}
  </wsdl:types>
${MESSAGES}
${PORT_TYPE_AND_BINDING}
  <wsdl:service name="MktMktowsApiService">
    <wsdl:port name="MktowsApiSoapPort" binding="tns:MktowsApiSoapBinding">
      <soap:address location="${escapeXmlAttribute(endpointUrl)}"/>
    </wsdl:port>
  </wsdl:service>
</wsdl:definitions>
`;
}
