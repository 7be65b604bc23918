import Foundation
import StackPlanCore
import Testing
@testable import StackPlanInterchange

/// `import --format ctdl`: one hand-made CTDL document per construct, each mapped or reported by path.
@Suite struct CTDLTests {
    static let organization = #"""
    {"@id": "https://example.edu/org", "@type": "ceterms:CredentialOrganization", "ceterms:ctid": "ce-org-1",
     "ceterms:name": {"en-US": "Example University"}, "ceterms:address": [{"@type": "ceterms:Place", "ceterms:addressCountry": "IE"}]}
    """#

    static func course(_ id: String, credits: String, extra: String = "") -> String {
        #"""
        {"@id": "https://example.edu/\#(id)", "@type": "ceterms:Course", "ceterms:ctid": "ce-\#(id)",
         "ceterms:name": {"en-US": "Course \#(id)"}, "ceterms:ownedBy": ["https://example.edu/org"], "ceterms:inLanguage": ["en-US"],
         "ceterms:deliveryType": [{"@type": "ceterms:CredentialAlignmentObject", "ceterms:targetNode": "deliveryType:OnlineOnly"}],
         "ceterms:audienceLevelType": [{"@type": "ceterms:CredentialAlignmentObject", "ceterms:targetNode": "audLevel:MastersDegreeLevel"}],
         "ceterms:creditValue": [\#(credits)]\#(extra)}
        """#
    }

    static func credits(_ value: Double, _ unit: String) -> String {
        #"{"@type": "ceterms:ValueProfile", "schema:value": \#(value), "ceterms:creditUnitType": [{"@type": "ceterms:CredentialAlignmentObject", "ceterms:targetNode": "creditUnit:\#(unit)"}]}"#
    }

    static func graph(_ resources: [String]) -> Data {
        Data(#"{"@context": "https://credreg.net/ctdl/schema/context/json", "@graph": [\#(resources.joined(separator: ",\n"))]}"#.utf8)
    }

    @Test func credentialsWithCreditValuesUnitsAndLevels() throws {
        let read = try CTDLCatalogue(Self.graph([
            Self.organization,
            Self.course("ects", credits: Self.credits(10, "ECTS"), extra: #", "ceterms:estimatedCost": [{"ceterms:price": 900, "ceterms:currency": "EUR"}], "ceterms:codedNotation": "NU 7001""#),
            Self.course("clock", credits: Self.credits(30, "ClockHour")),
            Self.course("ceu", credits: Self.credits(2, "ContinuingEducationUnit")),
            Self.course("semester", credits: Self.credits(3, "SemesterHour")),
        ]), defaults: CTDLCatalogue.Defaults(creditRates: ["SemesterHour": 2]))
        let catalogue = read.catalogue
        #expect(catalogue.providers.map(\.id) == ["ce-org-1"])
        #expect(catalogue.provider("ce-org-1")?.country == "IE")
        let ects = try #require(catalogue.credential("ce-ects"))
        #expect(ects.ects == 10 && ects.eqf == 7 && ects.mode == .online && ects.languages == ["en"])
        #expect(ects.cost == 900 && ects.currency == "EUR" && ects.code == "NU 7001")
        #expect(catalogue.credential("ce-clock")?.hours == 30)
        #expect(catalogue.credential("ce-ceu")?.hours == 20)
        #expect(catalogue.credential("ce-semester")?.ects == 6)
    }

    @Test func whatCannotBeMappedIsReportedByPathAndLeftOut() throws {
        let read = try CTDLCatalogue(Self.graph([
            Self.organization,
            Self.course("ok", credits: Self.credits(5, "ECTS")),
            Self.course("semester", credits: Self.credits(3, "SemesterHour")),
            Self.course("range", credits: #"{"@type": "ceterms:ValueProfile", "schema:minValue": 3, "schema:maxValue": 6, "ceterms:creditUnitType": "creditUnit:ECTS"}"#),
            #"{"@id": "https://example.edu/job", "@type": "ceterms:Occupation", "ceterms:name": "Nurse"}"#,
        ]))
        #expect(read.catalogue.credentials.map(\.id) == ["ce-ok"])
        let text = read.unmapped.map(\.description)
        #expect(text.contains { $0.hasPrefix(#"$["@graph"][2]["ceterms:creditValue"][0]"#) && $0.contains("SemesterHour have no fixed ECTS value; give --credit-rate SemesterHour=ECTS") }, "\(text)")
        #expect(text.contains { $0.hasPrefix(#"$["@graph"][3]["ceterms:creditValue"][0]"#) && $0.contains("range of credits") }, "\(text)")
        #expect(text.contains { $0.hasPrefix(#"$["@graph"][4]"#) && $0.contains("Occupation, which StackPlan does not import") }, "\(text)")
        #expect(read.unmapped.allSatisfy { $0.severity == .warning })
        // Without a level, a language or an organization's country the record is left out, never guessed.
        let bare = try? CTDLCatalogue(Self.graph([
            #"{"@id": "https://example.edu/org", "@type": "ceterms:CredentialOrganization", "ceterms:name": "No country"}"#,
            Self.course("x", credits: Self.credits(5, "ECTS")),
        ]))
        #expect(bare == nil)
        let withDefaults = try CTDLCatalogue(Self.graph([
            #"{"@id": "https://example.edu/org", "@type": "ceterms:CredentialOrganization", "ceterms:name": "No country"}"#,
            Self.course("x", credits: Self.credits(5, "ECTS")),
        ]), defaults: CTDLCatalogue.Defaults(country: "PT"))
        #expect(withDefaults.catalogue.provider("https://example.edu/org")?.country == "PT")
    }

    @Test func conditionProfilesBecomeAQualification() throws {
        let degree = #"""
        {"@id": "https://example.edu/msc", "@type": "ceterms:MasterDegree", "ceterms:ctid": "ce-msc", "ceterms:name": {"en-US": "MSc Nursing"},
         "ceterms:ownedBy": ["https://example.edu/org"], "ceterms:creditValue": [\#(Self.credits(20, "ECTS"))],
         "ceterms:requires": [
           {"@type": "ceterms:ConditionProfile", "ceterms:name": {"en-US": "Core"}, "ceterms:targetLearningOpportunity": ["https://example.edu/a", "https://example.edu/b"]},
           {"@type": "ceterms:ConditionProfile", "ceterms:name": {"en-US": "Electives"}, "ceterms:creditValue": [\#(Self.credits(10, "ECTS"))],
            "ceterms:targetLearningOpportunity": ["https://example.edu/c", "https://example.edu/d"],
            "ceterms:alternativeCondition": [{"@type": "ceterms:ConditionProfile", "ceterms:targetCredential": ["https://example.edu/e"]}]}
         ]}
        """#
        let read = try CTDLCatalogue(Self.graph([Self.organization, degree] + ["a", "b", "c", "d", "e"].map { Self.course($0, credits: Self.credits(5, "ECTS")) }))
        let qualification = try #require(read.catalogue.qualification("ce-msc"))
        #expect(qualification.eqf == 7 && qualification.ects == 20)
        #expect(read.catalogue.credential("ce-msc") == nil)
        let parts = qualification.requires.children
        #expect(parts.count == 2)
        #expect(parts[0].rule == .allOf([RequirementNode(.credential("ce-a")), RequirementNode(.credential("ce-b"))]))
        #expect(parts[0].label == "Core")
        #expect(parts[1].rule == .anyOf([RequirementNode(.credits(10, CredentialFilter(ids: ["ce-c", "ce-d"]))), RequirementNode(.credential("ce-e"))]))
        // A condition naming something the document does not describe leaves the whole qualification out.
        let missing = degree.replacingOccurrences(of: "https://example.edu/b\"", with: "https://example.edu/ghost\"")
        let partial = try CTDLCatalogue(Self.graph([Self.organization, missing, Self.course("a", credits: Self.credits(5, "ECTS"))]))
        #expect(partial.catalogue.qualification("ce-msc") == nil)
        #expect(partial.unmapped.contains { $0.path == #"$["@graph"][1]["ceterms:requires"][0]"# && $0.message.contains("https://example.edu/ghost") }, "\(partial.unmapped)")
    }

    @Test func pathwayComponentsAndConditionsBecomeAQualification() throws {
        func component(_ id: String, proxy: String) -> String {
            #"{"@id": "https://example.edu/pc-\#(id)", "@type": "ceterms:CourseComponent", "ceterms:name": {"en-US": "Component \#(id)"}, "ceterms:proxyFor": "https://example.edu/\#(id)"}"#
        }
        let pathway = #"""
        {"@id": "https://example.edu/path", "@type": "ceterms:Pathway", "ceterms:ctid": "ce-path", "ceterms:name": {"en-US": "IPC pathway"},
         "ceterms:ownedBy": ["https://example.edu/org"], "ceterms:audienceLevelType": ["audLevel:MastersDegreeLevel"],
         "ceterms:hasDestinationComponent": "https://example.edu/dest"}
        """#
        let destination = #"""
        {"@id": "https://example.edu/dest", "@type": "ceterms:CredentialComponent", "ceterms:name": {"en-US": "Certificate"},
         "ceterms:hasCondition": [
           {"@type": "ceterms:ComponentCondition", "ceterms:name": {"en-US": "Two of three"}, "ceterms:requiredNumber": 2,
            "ceterms:targetComponent": ["https://example.edu/pc-a", "https://example.edu/pc-b", "https://example.edu/pc-c"]},
           {"@type": "ceterms:ComponentCondition", "ceterms:logicalOperator": "OR", "ceterms:hasCondition": [
             {"@type": "ceterms:ComponentCondition", "ceterms:targetComponent": ["https://example.edu/pc-d"]},
             {"@type": "ceterms:ComponentCondition", "ceterms:targetComponent": ["https://example.edu/pc-e"],
              "ceterms:hasConstraint": [{"@type": "ceterms:Constraint", "ceterms:leftOperand": "ceterms:creditValue", "ceterms:comparator": "comparator:greaterThanOrEqual",
                                         "ceterms:rightOperand": [\#(Self.credits(5, "ECTS"))]}]}
           ]}
         ]}
        """#
        let read = try CTDLCatalogue(Self.graph(
            [Self.organization, pathway, destination] + ["a", "b", "c", "d", "e"].map { component($0, proxy: $0) }
                + ["a", "b", "c", "d", "e"].map { Self.course($0, credits: Self.credits(5, "ECTS")) }))
        let qualification = try #require(read.catalogue.qualification("ce-path"), "\(read.unmapped)")
        let parts = qualification.requires.children
        #expect(parts.count == 2)
        #expect(parts[0].rule == .atLeast(2, ["ce-a", "ce-b", "ce-c"].map { RequirementNode(.credential($0)) }))
        #expect(parts[0].label == "Two of three")
        guard case .anyOf(let options) = parts[1].rule else { Issue.record("expected any of, got \(parts[1].rule)"); return }
        #expect(options[0].rule == .credential("ce-d"))
        #expect(options[1].rule == .allOf([RequirementNode(.credential("ce-e")), RequirementNode(.credits(5, CredentialFilter(ids: ["ce-e"])))]))
        #expect(CatalogueValidator(read.catalogue).run().filter { $0.severity == .error }.isEmpty)
    }

    /// The shape of Credential Engine's published pathway-conditions example: components that
    /// name courses but stand for no described resource and state no credits. Nothing is
    /// guessed: the pathway is left out, each gap reported at its path.
    @Test func aPathwayOfUndescribedComponentsIsReportedNotGuessed() throws {
        let document = #"""
        {"@context": "http://credreg.net/ctdl/schema/context/json", "@graph": [
          {"id": "http://example.edu/p", "type": "Pathway", "name": "Example", "hasDestinationComponent": "http://example.edu/dest"},
          {"id": "http://example.edu/dest", "type": "CredentialComponent", "hasCondition": {"type": "ComponentCondition", "leftOperand": "reqNum", "operand": "=", "rightOperand": 1, "targetComponent": "http://example.edu/x"}},
          {"id": "http://example.edu/x", "type": "CourseComponent", "name": {"en-US": "Course X"}}
        ]}
        """#
        #expect(throws: InvalidDocument.self) { try CTDLCatalogue(Data(document.utf8)) }
        do {
            _ = try CTDLCatalogue(Data(document.utf8), defaults: CTDLCatalogue.Defaults(eqf: 6, provider: "p"))
        } catch let invalid as InvalidDocument {
            #expect(invalid.issues.contains { $0.path == #"$["@graph"][2]"# && $0.message.contains("stands for no credential") }, "\(invalid.issues)")
            #expect(invalid.issues.contains { $0.path == "$" && $0.message.contains("holds no credential") })
        }
    }

    @Test func notJSONIsRefused() {
        #expect(throws: InvalidDocument.self) { try CTDLCatalogue(Data("{".utf8)) }
    }
}
