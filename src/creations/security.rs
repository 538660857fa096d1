//! Which security descriptors reach a creation's `SECURITY_ATTRIBUTES`: those the code makes
//! to let other users and programs open the object, from an SDDL string
//! (`ConvertStringSecurityDescriptorToSecurityDescriptorW`) or with a null DACL
//! (`SetSecurityDescriptorDacl(sd, TRUE, None, FALSE)`). Such an object is published: its
//! creator means others to open it by name.
//!
//! What the creating function shows is followed (see [`super::descriptors`] for how a value
//! is followed in a function), and the functions of its file that make such a descriptor and
//! return it, or pass it to the creating function's parameter. A descriptor objlint does not
//! see is no publication.

use syn::spanned::Spanned;
use syn::visit::Visit;
use syn::{Expr, ExprCall};

use super::arguments::truth_value;
use super::creation::WorldDescriptor;
use super::descriptors::{is_null, reach, Flow, HelperKey, Reach, Values};
use super::finder::{CreationFinder, Frame};
use super::result_flow::FrameBody;

impl CreationFinder<'_> {
    /// Records a call that makes a security descriptor let others open its object, by the
    /// binding it fills in: `ConvertStringSecurityDescriptorToSecurityDescriptor{W,A}(sddl, _,
    /// &mut psd, _)` (with the SDDL string, judged once resolved) or
    /// `SetSecurityDescriptorDacl(psd, TRUE, None, _)`, a null DACL.
    pub(super) fn record_descriptor(&mut self, function: &str, call: &ExprCall) {
        // Every path call comes here: most are no such call.
        if !function.starts_with("ConvertStringSecurityDescriptorToSecurityDescriptor")
            && function != "SetSecurityDescriptorDacl"
        {
            return;
        }
        let args: Vec<&Expr> = call.args.iter().collect();
        let (target, sddl) = match (function, args.as_slice()) {
            (
                "ConvertStringSecurityDescriptorToSecurityDescriptorW"
                | "ConvertStringSecurityDescriptorToSecurityDescriptorA",
                [sddl, _, target, _],
            ) => {
                let at = self.file.byte_span(call.span()).start;
                (*target, Some(self.at_byte(at, |site| site.lower(sddl))))
            }
            ("SetSecurityDescriptorDacl", [target, present, dacl, _])
                if truth_value(present) == Some(true) && is_null(dacl) =>
            {
                (*target, None)
            }
            _ => return,
        };
        let reach = reach(target, self.self_type.as_deref());
        let (Some(binding), Some(frame)) = (reach.bindings.first(), self.frames.last_mut()) else {
            return;
        };
        let descriptor = WorldDescriptor {
            at: self.file.byte_span(call.func.span()),
            sddl,
        };
        frame.descriptors.push((binding.clone(), descriptor));
    }

    /// Notes what the security attributes argument of the creation `index` reaches, for
    /// [`CreationFinder::follow_descriptors`] when its function ends.
    pub(super) fn record_security_arg(&mut self, index: usize, arg: &Expr) {
        let reach = reach(arg, self.self_type.as_deref());
        if let (false, Some(frame)) = (reach.is_empty(), self.frames.last_mut()) {
            frame.security_args.push((index, reach));
        }
    }

    /// At the end of a function: the descriptors that reach each of its creations' security
    /// attributes, and those it returns. The body is read again only when a creation passes
    /// security attributes or the function makes a descriptor.
    pub(super) fn follow_descriptors(&mut self, frame: &Frame, body: FrameBody<'_>) {
        if frame.security_args.is_empty() && frame.descriptors.is_empty() {
            return;
        }
        let mut flow = Flow {
            self_type: self.self_type.as_deref(),
            links: Vec::new(),
            returned: Reach::default(),
            calls: Vec::new(),
            closures: 0,
        };
        match body {
            FrameBody::Block(block) => {
                flow.visit_block(block);
                if let Some(syn::Stmt::Expr(tail, None)) = block.stmts.last() {
                    flow.returns(tail);
                }
            }
            FrameBody::Expr(expr) => flow.returns(expr),
            FrameBody::None => return,
        }
        let values = Values::new(&flow.links, &frame.descriptors);
        let file = &mut self.returned_descriptors;
        for (index, reach) in &frame.security_args {
            let carried = values.carried(reach);
            self.creations[*index].descriptors = carried.descriptors;
            if !carried.helpers.is_empty() {
                file.waiting.push((*index, carried.helpers));
            }
            // Attributes the function is given: what its callers in the file pass.
            let given = frame
                .params
                .iter()
                .position(|param| values.reaches(reach, param));
            if let (Some(param), Some(signature)) = (given, &frame.signature) {
                let key = (signature.self_type.clone(), signature.name.clone());
                file.waiting_params
                    .push((*index, key, signature.has_receiver, param));
            }
        }
        // What a function passes or returns counts only when it makes the descriptor itself:
        // then it names a descriptor function, and is parsed in a file read item by item too.
        for (key, arg, method, reach) in flow.calls {
            let carried = values.carried(&reach).descriptors;
            if !carried.is_empty() {
                file.passed.push((key, arg, method, carried));
            }
        }
        if let Some(signature) = &frame.signature {
            let carried = values.carried(&flow.returned).descriptors;
            if !carried.is_empty() {
                let key = (signature.self_type.clone(), signature.name.clone());
                file.returned.insert(key, carried);
            }
        }
    }

    /// Once the whole file is read: the descriptors the file's functions return, given to the
    /// creations whose security attributes are their values.
    pub(super) fn follow_returned_descriptors(&mut self) {
        let descriptors = std::mem::take(&mut self.returned_descriptors);
        // A method's parameter is the argument of that index in `self.f(…)`, one further in
        // `Self::f(self, …)`.
        for (index, key, has_receiver, param) in &descriptors.waiting_params {
            for (called, arg, method, carried) in &descriptors.passed {
                if called == key && *arg == param + usize::from(*has_receiver && !method) {
                    self.creations[*index]
                        .descriptors
                        .extend(carried.iter().cloned());
                }
            }
        }
        for (index, helpers) in descriptors.waiting {
            let mut helpers: Vec<&HelperKey> = helpers.iter().collect();
            helpers.sort();
            helpers.dedup();
            for returned in helpers
                .into_iter()
                .filter_map(|key| descriptors.returned.get(key))
            {
                self.creations[index]
                    .descriptors
                    .extend(returned.iter().cloned());
            }
        }
    }
}
