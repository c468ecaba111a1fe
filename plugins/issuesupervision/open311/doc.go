// Package open311 is the Open311 GeoReport v2 dialect the issue-supervision scene speaks to the
// grassroots governance platform (四个平台): the data model, its JSON and XML encodings as the
// specification prints them, the POST form, and a small client.
//
// The specification is http://wiki.open311.org/GeoReport_v2 with its Service Discovery page.
// Domain types here carry no encoding tags: each has a private wire twin that the MarshalJSON,
// UnmarshalJSON, MarshalXML and UnmarshalXML methods go through, so the standard encoders produce
// the documents of the specification (XML roots <services>, <service_definition>,
// <service_requests>, <discovery>, <errors>; JSON arrays for lists).
//
// Where the specification's examples and valid encodings disagree this package follows the
// encoding rules and stays lenient on input:
//   - identifiers (service_code, service_request_id, token, address_id, zipcode, account_id and
//     attribute value keys) are strings; a JSON number is accepted on input, a JSON string is
//     written (the examples print service_code as 001, which is not valid JSON);
//   - an empty text field is written as JSON null and as an empty XML element, as the examples
//     do; JSON null is read as empty;
//   - times are written in W3C format with seconds and an offset (2010-04-14T06:37:38-08:00) and
//     read with or without seconds or fractions, but never without a time zone.
//
// The package imports only the standard library so that a scene, which may import only
// plugins/scene and libraries, can use it.
package open311
